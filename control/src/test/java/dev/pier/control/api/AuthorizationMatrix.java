package dev.pier.control.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code authorization-matrix.txt}: for every route, which credentials it lets through. The
 * file is the statement of who may do what; the test makes every call it lists.
 */
record AuthorizationMatrix(List<String> credentials, Map<String, List<Boolean>> allowed) {

    static AuthorizationMatrix load() throws IOException {
        String text;
        try (InputStream in = AuthorizationMatrix.class.getResourceAsStream("authorization-matrix.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> credentials = null;
        Map<String, List<Boolean>> allowed = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# route")) {
                credentials = List.of(line.substring("# route".length()).trim().split("\\s+"));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                String[] words = line.trim().split("\\s+");
                String route = words[0] + " " + words[1];
                List<Boolean> cells = new ArrayList<>();
                for (String cell : Arrays.copyOfRange(words, 2, words.length)) {
                    if (!cell.equals("+") && !cell.equals("-")) {
                        throw new IllegalStateException(route + ": a cell is + or -, not " + cell);
                    }
                    cells.add(cell.equals("+"));
                }
                if (credentials == null || cells.size() != credentials.size()) {
                    throw new IllegalStateException(route + ": " + cells.size() + " cells under " + credentials);
                }
                if (allowed.put(route, cells) != null) {
                    throw new IllegalStateException(route + " is in the matrix twice");
                }
            }
        }
        return new AuthorizationMatrix(credentials, allowed);
    }
}
