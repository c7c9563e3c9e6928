package io.mmfile.files;

import io.mmfile.support.Images;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class ImageProbeTest {

  @Test
  void readsTypeAndSizeOfEveryAcceptedFormat() {
    for (String format : new String[] {"png", "jpg", "gif", "bmp"}) {
      var info = ImageProbe.probe(Images.of(format, 37, 21, 1)).orElseThrow();
      assertThat(info.width()).as(format).isEqualTo(37);
      assertThat(info.height()).as(format).isEqualTo(21);
    }
    assertThat(ImageProbe.probe(Images.of("jpg", 5, 5, 1)).orElseThrow().contentType()).isEqualTo("image/jpeg");
    assertThat(ImageProbe.probe(Images.of("bmp", 5, 5, 1)).orElseThrow().extension()).isEqualTo("bmp");
  }

  @Test
  void readsLosslessWebp() {
    // RIFF/WEBP/VP8L header for a 3x2 image: 14-bit width-1 and height-1 after the 0x2f signature.
    long bits = (3 - 1) | ((long) (2 - 1) << 14);
    Buffer webp = Buffer.buffer("RIFF").appendIntLE(30).appendString("WEBPVP8L").appendIntLE(10)
      .appendByte((byte) 0x2f).appendIntLE((int) bits).appendBytes(new byte[9]);

    var info = ImageProbe.probe(webp).orElseThrow();

    assertThat(info.format()).isEqualTo("webp");
    assertThat(info.width()).isEqualTo(3);
    assertThat(info.height()).isEqualTo(2);
  }

  @Test
  void readsJpegSizeBehindAnExifBlock() {
    Buffer jpeg = Images.of("jpg", 120, 80, 2);
    // Insert a 20 KB APP1 segment after SOI, as cameras do.
    Buffer exif = Buffer.buffer().appendUnsignedByte((short) 0xFF).appendUnsignedByte((short) 0xE1)
      .appendUnsignedShort(20_002).appendBytes(new byte[20_000]);
    Buffer withExif = jpeg.getBuffer(0, 2).appendBuffer(exif).appendBuffer(jpeg.getBuffer(2, jpeg.length()));

    var info = ImageProbe.probe(withExif).orElseThrow();

    assertThat(info.width()).isEqualTo(120);
    assertThat(info.height()).isEqualTo(80);
  }

  @Test
  void refusesWhatIsNotAnImage() {
    assertThat(ImageProbe.probe(Buffer.buffer("just some text that is long enough"))).isEmpty();
    assertThat(ImageProbe.probe(Buffer.buffer(HexFormat.of().parseHex("25504446")))).isEmpty();
    assertThat(ImageProbe.probe(Buffer.buffer())).isEmpty();
    assertThat(ImageProbe.probe(Buffer.buffer("GIF87"))).isEmpty();
  }
}
