package dev.pier.analytics;

import java.nio.charset.StandardCharsets;

/**
 * A few strings, nulls included, in one byte array: each as a varint of its UTF-8 length plus
 * one (0 for null) followed by its bytes. One array of about 16 bytes of overhead in all, where
 * each string on its own costs about 40 (the {@code String} and its array). Reading one decodes it
 * again, so it suits strings that are kept long and read rarely.
 */
final class PackedStrings {

    private PackedStrings() {
    }

    static byte[] pack(String... strings) {
        byte[][] encoded = new byte[strings.length][];
        int size = 0;
        for (int i = 0; i < strings.length; i++) {
            if (strings[i] != null) {
                encoded[i] = strings[i].getBytes(StandardCharsets.UTF_8);
                size += encoded[i].length;
            }
            size += varintSize(encoded[i] == null ? 0 : encoded[i].length + 1);
        }
        byte[] packed = new byte[size];
        int at = 0;
        for (byte[] bytes : encoded) {
            at = putVarint(packed, at, bytes == null ? 0 : bytes.length + 1);
            if (bytes != null) {
                System.arraycopy(bytes, 0, packed, at, bytes.length);
                at += bytes.length;
            }
        }
        return packed;
    }

    /** The string at {@code index} of those {@link #pack} was given. */
    static String get(byte[] packed, int index) {
        int at = 0;
        for (int i = 0; ; i++) {
            int header = 0;
            int shift = 0;
            byte b;
            do {
                b = packed[at++];
                header |= (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            if (i == index) {
                return header == 0 ? null : new String(packed, at, header - 1, StandardCharsets.UTF_8);
            }
            at += header == 0 ? 0 : header - 1;
        }
    }

    private static int varintSize(int value) {
        int size = 1;
        while ((value >>>= 7) != 0) {
            size++;
        }
        return size;
    }

    private static int putVarint(byte[] to, int at, int value) {
        while ((value & ~0x7F) != 0) {
            to[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        to[at++] = (byte) value;
        return at;
    }
}
