package dev.pier.rules;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Supplier;

/** An IP address or a CIDR range, as written in an expression. An address is a /32 or /128 range. */
record Cidr(byte[] network, int prefix) {

    static Cidr parse(String text, Supplier<RuleException> invalid) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (!address.matches("[0-9a-fA-F.:]+")) {
            throw invalid.get(); // never let a name reach the resolver
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw invalid.get();
            }
            return new Cidr(mask(bytes, prefix), prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw invalid.get();
        }
    }

    static Cidr parseOrNull(String text) {
        try {
            return parse(text, () -> new RuleException(text, 1, "not a CIDR range"));
        } catch (RuleException e) {
            return null;
        }
    }

    static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xFF << (8 - bits));
        }
        return out;
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        return java.util.Arrays.equals(mask(bytes, prefix), network);
    }
}
