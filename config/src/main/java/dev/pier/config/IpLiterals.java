package dev.pier.config;

/**
 * Strict checks of IP address literals as written in records and lists: IPv4 in dotted-quad form
 * (four decimal octets, no leading zeros: {@code 010.0.0.1} is octal to some parsers and decimal
 * to others) and IPv6 in RFC 4291 text form (eight groups of one to four hex digits, one
 * {@code ::} at most, an IPv4 tail in place of the last two groups). Nothing else: no zone ids,
 * no short IPv4 forms, and never a name lookup, which {@link java.net.InetAddress} may do for
 * what it does not recognise as a literal.
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    public static boolean isIpv4(String text) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(IpLiterals::isDigit)
                    || octet.length() > 1 && octet.charAt(0) == '0' || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    public static boolean isIpv6(String text) {
        if (text.length() < 2 || text.length() > 45) {
            return false;
        }
        int groups = 8;
        String hex = text;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.') >= 0) {
            // an IPv4 tail stands for the last two groups
            if (lastColon < 0 || !isIpv4(text.substring(lastColon + 1))) {
                return false;
            }
            hex = text.substring(0, lastColon + 1) + "0";
            groups = 7;
        }
        int gap = hex.indexOf("::");
        if (gap >= 0 && hex.indexOf("::", gap + 1) >= 0) {
            return false; // two gaps: the groups each stands for are ambiguous
        }
        if (gap < 0) {
            return count(hex, groups) == groups;
        }
        String head = hex.substring(0, gap);
        String tail = hex.substring(gap + 2);
        int written = (head.isEmpty() ? 0 : count(head, groups)) + (tail.isEmpty() ? 0 : count(tail, groups));
        // head or tail that did not parse count as more groups than there are; "::" stands for one group at least
        return written < groups;
    }

    /** An IPv4 or IPv6 literal. */
    public static boolean isIp(String text) {
        return text.indexOf(':') >= 0 ? isIpv6(text) : isIpv4(text);
    }

    /** How many colon-separated groups of 1–4 hex digits {@code text} is; {@code groups + 1} when it is not that. */
    private static int count(String text, int groups) {
        String[] parts = text.split(":", -1);
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 4 || !part.chars().allMatch(IpLiterals::isHex)) {
                return groups + 1;
            }
        }
        return parts.length;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(int c) {
        return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
