package io.mmfile.files;

import io.mmfile.platform.Failure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A requested size, as gainImage's {@code scaling=WxHxMode} names it (WIRE.md §1): 10 ≤ W, H ≤ 5000 and
 * one of five modes. Anything else is refused as the parameter {@code scaling}.
 */
public record Resize(int width, int height, Mode mode) {
  public static final int MIN_EDGE = 10;
  public static final int MAX_EDGE = 5000;
  private static final Pattern WIRE = Pattern.compile("(\\d{1,9})[xX](\\d{1,9})[xX](\\d{1,9})");

  /** How the image is fitted to W×H. */
  public enum Mode {
    /** Exactly W×H; the aspect ratio is not kept. */
    STRETCH,
    /** W wide, the height following the aspect ratio. */
    FIT_WIDTH,
    /** H high, the width following the aspect ratio. */
    FIT_HEIGHT,
    /** Scaled to cover W×H, aspect kept, then centre-cropped to exactly W×H. */
    COVER,
    /** Scaled to fit inside W×H, aspect kept, not padded: one side equals its bound. */
    CONTAIN
  }

  public Resize {
    if (width < MIN_EDGE || width > MAX_EDGE || height < MIN_EDGE || height > MAX_EDGE) {
      throw Failure.invalid("scaling");
    }
  }

  /** Parses {@code WxHxMode}; a malformed value, a size out of range or an unknown mode is a failure. */
  public static Resize parse(String wire) {
    Matcher m = wire == null ? null : WIRE.matcher(wire.trim());
    if (m == null || !m.matches()) {
      throw Failure.invalid("scaling");
    }
    int mode = Integer.parseInt(m.group(3));
    if (mode >= Mode.values().length) {
      throw Failure.invalid("scaling");
    }
    return new Resize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Mode.values()[mode]);
  }

  /** The wire form, {@code WxHxMode}. */
  @Override
  public String toString() {
    return width + "x" + height + "x" + mode.ordinal();
  }
}
