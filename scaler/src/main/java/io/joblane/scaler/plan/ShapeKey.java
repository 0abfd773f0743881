package io.joblane.scaler.plan;

import java.util.Arrays;

/** A slice of the demand array as a hash key, to group identical requests. */
final class ShapeKey {
    final long[] a;
    final int off;
    final int len;
    final int hash;

    ShapeKey(long[] a, int off, int len) {
        this.a = a;
        this.off = off;
        this.len = len;
        int h = 1;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + Long.hashCode(a[i]);
        }
        this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShapeKey k && Arrays.equals(a, off, off + len, k.a, k.off, k.off + k.len);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
