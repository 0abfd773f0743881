package io.joblane.webhook.mutation;

/** RFC 6901 escaping of one reference token: "~" becomes "~0" first, then "/" becomes "~1". */
public final class JsonPointer {
    private JsonPointer() {}

    public static String escape(String token) {
        if (token.indexOf('~') < 0 && token.indexOf('/') < 0) {
            return token;
        }
        return token.replace("~", "~0").replace("/", "~1");
    }
}
