package io.waly.cli.support;

import java.util.Locale;

/** Counts and sizes as people read them. */
public final class Numbers {
    private Numbers() {}

    /** 1234567 → "1 234 567" (a thin grouping that reads the same in every locale). */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
    }

    public static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
    }

    public static String rate(double perSecond) {
        if (perSecond >= 100) return count(Math.round(perSecond));
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }
}
