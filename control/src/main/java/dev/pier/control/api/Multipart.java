package dev.pier.control.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A {@code multipart/form-data} body (RFC 7578) as Cloudflare's script upload takes it: each part's
 * name, file name, content type and bytes, exactly as sent. A part without a file name keeps its
 * bytes too (a module may be binary), which is why this reads the parts itself rather than through a
 * form decoder that turns such parts into text.
 */
final class Multipart {

    /** One part of the body. {@code contentType} is null when the part has none. */
    record Part(String name, String fileName, String contentType, byte[] content) {

        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private Multipart() {
    }

    /**
     * The parts of {@code body}, whose {@code Content-Type} header is {@code contentType}.
     *
     * @throws IllegalArgumentException worded "expected: ..." when the body is not multipart/form-data with a boundary
     */
    static List<Part> parse(String contentType, byte[] body) {
        String boundary = boundary(contentType);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw new IllegalArgumentException("body: no part starts with the boundary '" + boundary
                    + "' (expected: multipart/form-data parts)");
        }
        List<Part> parts = new ArrayList<>();
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = at + delimiter.length;
        while (true) {
            if (pos + 1 < body.length && body[pos] == '-' && body[pos + 1] == '-') {
                return parts; // the closing delimiter
            }
            int headersStart = skipLine(body, pos);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersStart < 0 || headersEnd < 0) {
                throw new IllegalArgumentException("body: part " + (parts.size() + 1) + " has no end to its headers (expected: "
                        + "headers, an empty line, then the content)");
            }
            int contentStart = headersEnd + 4;
            int contentEnd = indexOf(body, next, contentStart);
            if (contentEnd < 0) {
                throw new IllegalArgumentException("body: part " + (parts.size() + 1) + " does not end with the boundary (expected: "
                        + "a closing --" + boundary + "--)");
            }
            parts.add(part(new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8),
                    Arrays.copyOfRange(body, contentStart, contentEnd), parts.size() + 1));
            pos = contentEnd + next.length;
        }
    }

    private static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new IllegalArgumentException("Content-Type: " + (contentType == null ? "missing" : "'" + contentType + "'")
                    + " (expected: multipart/form-data with a metadata part and the modules)");
        }
        String boundary = parameter(contentType, "boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("Content-Type: '" + contentType + "' (expected: a boundary of 1 to 70 characters)");
        }
        return boundary;
    }

    private static Part part(String headers, byte[] content, int number) {
        String name = null;
        String fileName = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) {
                name = parameter(value, "name");
                fileName = parameter(value, "filename");
            } else if (header.equals("content-type")) {
                type = value;
            }
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("body: part " + number + " has no name (expected: Content-Disposition: form-data; "
                    + "name=\"...\")");
        }
        return new Part(name, fileName, type, content);
    }

    /** A header parameter's value ({@code name="value"} or {@code name=value}), or null. */
    static String parameter(String header, String parameter) {
        int i = 0;
        while (i < header.length()) {
            int semicolon = header.indexOf(';', i);
            if (semicolon < 0) {
                return null;
            }
            i = semicolon + 1;
            while (i < header.length() && header.charAt(i) == ' ') {
                i++;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String key = header.substring(i, eq).trim();
            i = eq + 1;
            String value;
            if (i < header.length() && header.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                while (i < header.length() && header.charAt(i) != '"') {
                    if (header.charAt(i) == '\\' && i + 1 < header.length()) {
                        i++;
                    }
                    v.append(header.charAt(i++));
                }
                i++;
                value = v.toString();
            } else {
                int end = header.indexOf(';', i);
                value = header.substring(i, end < 0 ? header.length() : end).trim();
                i = end < 0 ? header.length() : end;
            }
            if (key.equalsIgnoreCase(parameter)) {
                return value;
            }
        }
        return null;
    }

    private static int skipLine(byte[] body, int pos) {
        int crlf = indexOf(body, new byte[] {'\r', '\n'}, pos);
        return crlf < 0 ? -1 : crlf + 2;
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        if (from < 0) {
            return -1;
        }
        outer:
        for (int i = from; i <= body.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
