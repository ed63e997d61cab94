package dev.pier.edge.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The smuggling corpus, {@code smuggling-vectors.txt}: one vector a line, {@code NAME | BYTES},
 * the bytes with the escapes {@code \r \n \t \\ \xHH}, and {@code {pause}} where the client waits
 * for the edge's answer before sending the rest. Lines starting with {@code #} and blank lines are
 * comments.
 */
final class SmugglingVectors {

    static final String FILE = "smuggling-vectors.txt";
    static final String PAUSE = "{pause}";

    /** One vector: what the client sends, in parts sent one after another's answer. */
    record Vector(String name, List<byte[]> parts, int line) {
        @Override
        public String toString() {
            return name;
        }
    }

    private SmugglingVectors() {
    }

    static List<Vector> load() throws IOException {
        List<Vector> vectors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                SmugglingVectors.class.getResourceAsStream(FILE), StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line; (line = in.readLine()) != null; ) {
                number++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int bar = line.indexOf(" | ");
                if (bar <= 0) {
                    throw new IllegalArgumentException(FILE + " line " + number + ": expected NAME | BYTES");
                }
                String name = line.substring(0, bar).strip();
                if (!names.add(name)) {
                    throw new IllegalArgumentException(FILE + " line " + number + ": a second vector named " + name);
                }
                List<byte[]> parts = new ArrayList<>();
                for (String part : line.substring(bar + 3).split(java.util.regex.Pattern.quote(PAUSE), -1)) {
                    parts.add(unescape(part, number));
                }
                vectors.add(new Vector(name, List.copyOf(parts), number));
            }
        }
        return vectors;
    }

    static byte[] unescape(String text, int line) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7e) {
                throw new IllegalArgumentException(FILE + " line " + line + ": write the byte " + (int) c + " as \\xHH");
            }
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (++i == text.length()) {
                throw new IllegalArgumentException(FILE + " line " + line + ": a lone \\ at the end");
            }
            switch (text.charAt(i)) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '\\' -> out.write('\\');
                case 'x' -> {
                    String hex = i + 2 < text.length() ? text.substring(i + 1, i + 3) : "";
                    if (!hex.matches("[0-9a-fA-F]{2}")) {
                        throw new IllegalArgumentException(FILE + " line " + line + ": \\x needs two hex digits");
                    }
                    out.write(Integer.parseInt(hex, 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException(FILE + " line " + line + ": unknown escape \\" + text.charAt(i));
            }
        }
        return out.toByteArray();
    }
}
