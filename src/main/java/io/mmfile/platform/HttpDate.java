package io.mmfile.platform;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * HTTP dates ({@code Last-Modified}) exactly as {@link DateTimeFormatter#RFC_1123_DATE_TIME} writes them
 * in UTC ({@code Tue, 1 Dec 2026 15:10:21 GMT}: the day of the month not padded), formatted by hand and
 * the last second kept: this runs on every download, where the formatter's text lookups and its
 * allocations cost more than the rest of the headers.
 */
public final class HttpDate {
  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec"};

  /** One second and its text; replaced whole, so a reader on another thread sees a matching pair. */
  private record Formatted(long second, String text) {
  }

  private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

  private HttpDate() {
  }

  /** The date of {@code epochMs} (to the second). */
  public static String format(long epochMs) {
    long second = Math.floorDiv(epochMs, 1000);
    Formatted known = last;
    if (known.second() == second) {
      return known.text();
    }
    String text = formatSecond(second);
    last = new Formatted(second, text);
    return text;
  }

  private static String formatSecond(long second) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
    if (t.getYear() < 1000 || t.getYear() > 9999) {
      return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(second).atZone(ZoneOffset.UTC));
    }
    StringBuilder out = new StringBuilder(29)
      .append(DAYS[t.getDayOfWeek().ordinal()]).append(", ")
      .append(t.getDayOfMonth()).append(' ')
      .append(MONTHS[t.getMonthValue() - 1]).append(' ')
      .append(t.getYear()).append(' ');
    twoDigits(out, t.getHour()).append(':');
    twoDigits(out, t.getMinute()).append(':');
    twoDigits(out, t.getSecond()).append(" GMT");
    return out.toString();
  }

  private static StringBuilder twoDigits(StringBuilder out, int value) {
    return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }
}
