package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link MultipartParser} as the upload routes use it: every split of a valid body into network
 * reads gives the events the body was built from; the limits and the malformed bodies fail with the
 * failure the dialects answer.
 */
class MultipartParserTest {
  private static final MultipartParser.Limits LIMITS = new MultipartParser.Limits(1024, 16, 4);

  /** One part of a body we build: a field (filename null) or a file. */
  record Part(String name, String filename, String contentType, byte[] content) {
    static Part field(String name, String value) {
      return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
    }

    static Part file(String name, String filename, byte[] content) {
      return new Part(name, filename, "image/png", content);
    }
  }

  static byte[] body(String boundary, List<Part> parts) {
    Buffer body = Buffer.buffer();
    for (Part p : parts) {
      body.appendString("--" + boundary + "\r\n");
      if (p.filename() == null) {
        body.appendString("Content-Disposition: form-data; name=\"" + p.name() + "\"\r\n\r\n");
      } else {
        body.appendString("Content-Disposition: form-data; name=\"" + p.name() + "\"; filename=\"" + p.filename()
          + "\"\r\nContent-Type: " + p.contentType() + "\r\n\r\n");
      }
      body.appendBytes(p.content()).appendString("\r\n");
    }
    return body.appendString("--" + boundary + "--\r\n").getBytes();
  }

  /** The events a parser should report for {@code parts}, file bytes joined per part. */
  static List<String> expected(List<Part> parts) {
    List<String> events = new ArrayList<>();
    for (Part p : parts) {
      if (p.filename() == null) {
        events.add("field " + p.name() + "=" + new String(p.content(), StandardCharsets.UTF_8));
      } else {
        events.add("file " + p.name() + " " + p.filename() + " " + p.contentType());
        events.add("bytes " + hex(p.content()));
        events.add("fileEnd");
      }
    }
    events.add("end");
    return events;
  }

  /** Records what the parser hands out; with {@code pausing}, pauses at every file event and resumes later. */
  static final class Recorder implements MultipartParser.Listener {
    final List<String> events = new ArrayList<>();
    final List<Buffer> slices = new ArrayList<>();
    MultipartParser parser;
    boolean pausing;
    private Buffer file;

    @Override
    public void field(String name, String value) {
      events.add("field " + name + "=" + value);
    }

    @Override
    public void fileStart(String name, String filename, String contentType) {
      events.add("file " + name + " " + filename + " " + contentType);
      file = Buffer.buffer();
      if (pausing) {
        parser.pause();
      }
    }

    @Override
    public void fileData(Buffer bytes) {
      assertThat(bytes.length()).isPositive();
      slices.add(bytes);
      file.appendBuffer(bytes);
      if (pausing) {
        parser.pause();
      }
    }

    @Override
    public void fileEnd() {
      events.add("bytes " + hex(file.getBytes()));
      events.add("fileEnd");
    }

    @Override
    public void end() {
      events.add("end");
    }
  }

  /** Parses {@code body} cut at {@code cuts} (sorted positions), resuming a pausing parser between reads. */
  static Recorder parse(String boundary, byte[] body, Iterable<Integer> cuts, boolean pausing) {
    Recorder recorder = new Recorder();
    recorder.pausing = pausing;
    MultipartParser parser = new MultipartParser(boundary, LIMITS, recorder);
    recorder.parser = parser;
    for (int[] read : reads(cuts, body.length)) {
      parser.feed(Buffer.buffer(body).slice(read[0], read[1]).copy());
      while (parser.paused()) {
        parser.resume();
      }
    }
    parser.endOfInput();
    return recorder;
  }

  /** The reads {@code cuts} (sorted positions) make of a body of {@code length} bytes: [from, to), none empty. */
  static List<int[]> reads(Iterable<Integer> cuts, int length) {
    List<int[]> reads = new ArrayList<>();
    int from = 0;
    List<Integer> ends = new ArrayList<>();
    cuts.forEach(ends::add);
    ends.add(length);
    for (int to : ends) {
      if (to > from) {
        reads.add(new int[] {from, to});
        from = to;
      }
    }
    return reads;
  }

  static List<String> events(String boundary, byte[] body, Iterable<Integer> cuts) {
    return parse(boundary, body, cuts, false).events;
  }

  // ------------------------------------------------------------------ splits

  /** Bytes that make delimiters, so that near-misses of {@code \r\n--Bnd} are everywhere in random content. */
  private static final byte[] DELIMITER_BYTES = {'\r', '\n', '-', 'B', 'n', 'd', 'x', 0, (byte) 0xff};
  private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  /**
   * A random form of up to four parts, fields and files, from a seed named in every failure so that
   * a failing case can be replayed. Content never holds the delimiter itself.
   */
  static List<Part> randomForm(Random random) {
    List<Part> parts = new ArrayList<>();
    int count = random.nextInt(5);
    for (int i = 0; i < count; i++) {
      String name = randomName(random);
      byte[] content = randomContent(random);
      if (random.nextBoolean()) {
        parts.add(Part.file(name, name + ".png", content));
      } else {
        parts.add(Part.field(name, new String(content, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e\\r\\n]", "?")));
      }
    }
    return parts;
  }

  private static String randomName(Random random) {
    StringBuilder name = new StringBuilder();
    for (int i = 1 + random.nextInt(8); i > 0; i--) {
      name.append(ALPHA.charAt(random.nextInt(ALPHA.length())));
    }
    return name.toString();
  }

  private static byte[] randomContent(Random random) {
    while (true) {
      byte[] content = new byte[random.nextInt(301)];
      for (int i = 0; i < content.length; i++) {
        content[i] = DELIMITER_BYTES[random.nextInt(DELIMITER_BYTES.length)];
      }
      if (!new String(content, StandardCharsets.ISO_8859_1).contains("\r\n--Bnd")) {
        return content;
      }
    }
  }

  /** Sorted random cut positions within a body of {@code length} bytes. */
  private static TreeSet<Integer> randomCuts(Random random, int length) {
    TreeSet<Integer> cuts = new TreeSet<>();
    for (int i = random.nextInt(12); i > 0; i--) {
      cuts.add(random.nextInt(length + 1));
    }
    return cuts;
  }

  @RepeatedTest(300)
  void everySplitOfAValidBodyParsesAsTheFormItWasBuiltFrom(RepetitionInfo repetition) {
    long seed = 0x6d6d66696c65L * repetition.getCurrentRepetition();
    Random random = new Random(seed);
    List<Part> parts = randomForm(random);
    byte[] body = body("Bnd", parts);
    TreeSet<Integer> cuts = randomCuts(random, body.length);
    assertThat(events("Bnd", body, cuts)).as("seed %d, cuts %s", seed, cuts).isEqualTo(expected(parts));
    assertThat(parse("Bnd", body, cuts, true).events).as("seed %d, cuts %s, pausing", seed, cuts).isEqualTo(expected(parts));
  }

  @RepeatedTest(100)
  void oneByteReadsParseTheSame(RepetitionInfo repetition) {
    long seed = 0x62797465L * repetition.getCurrentRepetition();
    List<Part> parts = randomForm(new Random(seed));
    byte[] body = body("Bnd", parts);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 1; i < body.length; i++) {
      cuts.add(i);
    }
    assertThat(events("Bnd", body, cuts)).as("seed %d", seed).isEqualTo(expected(parts));
  }

  /** A small body with a field, a file whose bytes end in near-misses of the delimiter, and a second field. */
  private static final List<Part> SMALL = List.of(Part.field("appKey", "k\r\n-"),
    Part.file("mmfile", "a.png", "\r\n--B\r\n-\r\r\n--".getBytes(StandardCharsets.ISO_8859_1)),
    Part.field("length", "5"));

  @Test
  void everyTwoAndThreeReadSplitOfASmallBodyParsesTheSame() {
    byte[] body = body("BB", SMALL);
    List<String> expected = expected(SMALL);
    for (int i = 0; i <= body.length; i++) {
      for (int j = i; j <= body.length; j++) {
        assertThat(events("BB", body, List.of(i, j))).as("cut at %d and %d", i, j).isEqualTo(expected);
      }
    }
  }

  @Test
  void everySplitOfTheBytesAroundAFilesEndParsesTheSame() {
    byte[] body = body("BB", SMALL);
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n--BB\r\nContent-Disposition: form-data; name=\"length\"");
    int from = end - 8;
    int width = 16;
    List<String> expected = expected(SMALL);
    // all 2^16 ways to cut the 16 bytes before and at the delimiter after the file's bytes
    for (int mask = 0; mask < 1 << width; mask++) {
      List<Integer> cuts = new ArrayList<>();
      for (int bit = 0; bit < width; bit++) {
        if ((mask & (1 << bit)) != 0) {
          cuts.add(from + bit);
        }
      }
      assertThat(events("BB", body, cuts)).as("cuts %s", cuts).isEqualTo(expected);
    }
  }

  // ------------------------------------------------------------------ a long boundary, as clients send

  /** The boundary of bench/tools/mkbody.py: 38 characters, so a delimiter of 42 bytes to skip over. */
  private static final String LONG = "----mmfileBenchBoundary7MA4YWxkTrZu0gW";

  /** How reads reach the parser: copies of their own, slices of one network buffer, direct memory. */
  enum Feed { COPIES, SLICES, DIRECT }

  static List<String> events(String boundary, byte[] body, Iterable<Integer> cuts, Feed feed) {
    Recorder recorder = new Recorder();
    MultipartParser parser = new MultipartParser(boundary, LIMITS, recorder);
    // a network buffer with bytes before and after the body: a slice of it starts at an offset
    Buffer network = Buffer.buffer().appendString("xx\r\n--" + boundary).appendBytes(body).appendString("\r\n");
    int base = 2 + 4 + boundary.length();
    for (int[] piece : reads(cuts, body.length)) {
      int from = piece[0];
      int to = piece[1];
      Buffer read = switch (feed) {
        case COPIES -> Buffer.buffer(body).slice(from, to).copy();
        case SLICES -> network.slice(base + from, base + to);
        case DIRECT -> BufferInternal.buffer(Unpooled.directBuffer(to - from).writeBytes(body, from, to - from));
      };
      parser.feed(read);
    }
    parser.endOfInput();
    return recorder.events;
  }

  /**
   * File bytes full of what the skip search must not be fooled by: every proper prefix of the
   * delimiter (cut off by a byte that is not its next one), the delimiter with any one byte changed,
   * boundary characters, CRs and dashes, with random bytes between them.
   */
  private static byte[] nearMisses(String boundary, Random random) {
    byte[] d = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    Buffer content = Buffer.buffer();
    for (int k = 1; k < d.length; k++) {
      filler(content, d, random);
      content.appendBytes(d, 0, k).appendByte((byte) (d[k] ^ 0x20));
    }
    for (int j = 0; j < d.length; j++) {
      filler(content, d, random);
      byte[] changed = d.clone();
      changed[j] = (byte) (changed[j] == 'x' ? 'y' : 'x');
      content.appendBytes(changed);
    }
    // ends in a delimiter that lacks only its last byte, right before the real one
    content.appendBytes(d, 0, d.length - 1);
    byte[] bytes = content.getBytes();
    assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain(new String(d, StandardCharsets.ISO_8859_1));
    return bytes;
  }

  private static void filler(Buffer content, byte[] d, Random random) {
    for (int i = random.nextInt(2 * d.length); i > 0; i--) {
      int pick = random.nextInt(4);
      content.appendByte(pick == 0 ? (byte) random.nextInt(256) : pick == 1 ? (byte) '\r' : d[2 + random.nextInt(d.length - 2)]);
    }
  }

  @Test
  void aLongBoundaryWithNearMissesInTheFileParsesTheSameForEveryCutAndEveryKindOfBuffer() {
    Random random = new Random(0x736b6970L);
    List<Part> parts = List.of(Part.field("appKey", "123"), Part.file("mmfile", "a.jpg", nearMisses(LONG, random)),
      Part.field("tail", "\r\n-" + LONG.substring(0, 20)));
    byte[] body = body(LONG, parts);
    List<String> expected = expected(parts);
    for (Feed feed : Feed.values()) {
      assertThat(events(LONG, body, List.of(), feed)).as("%s, whole", feed).isEqualTo(expected);
      // one cut anywhere: every position of every near miss lands at a read's end once
      for (int cut = 1; cut < body.length; cut++) {
        assertThat(events(LONG, body, List.of(cut), feed)).as("%s, cut at %d", feed, cut).isEqualTo(expected);
      }
    }
  }

  @RepeatedTest(200)
  void aLongBoundaryParsesTheSameForRandomCuts(RepetitionInfo repetition) {
    long seed = 0x6c6f6e67L * repetition.getCurrentRepetition();
    Random random = new Random(seed);
    List<Part> parts = new ArrayList<>();
    for (int i = random.nextInt(4); i >= 0; i--) {
      parts.add(random.nextBoolean() ? Part.file("f" + i, "f" + i + ".png", nearMisses(LONG, random))
        : Part.field("v" + i, randomName(random)));
    }
    byte[] body = body(LONG, parts);
    TreeSet<Integer> cuts = new TreeSet<>();
    for (int i = random.nextInt(40); i > 0; i--) {
      cuts.add(random.nextInt(body.length + 1));
    }
    Feed feed = Feed.values()[repetition.getCurrentRepetition() % Feed.values().length];
    assertThat(events(LONG, body, cuts, feed)).as("seed %d, %s, cuts %s", seed, feed, cuts).isEqualTo(expected(parts));
  }

  @Test
  void aDelimiterThatEndsAReadExactlyOrStraddlesTwoReadsIsFound() {
    byte[] file = new byte[4096];
    new Random(7).nextBytes(file);
    for (int i = 0; i < file.length; i++) {
      if (file[i] == '\r') {
        file[i] = 0;
      }
    }
    List<Part> parts = List.of(Part.file("mmfile", "a.jpg", file), Part.field("x", "y"));
    byte[] body = body(LONG, parts);
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int delimiter = text.indexOf("\r\n--" + LONG + "\r\nContent-Disposition: form-data; name=\"x\"");
    for (Feed feed : Feed.values()) {
      for (int cut = delimiter - 2; cut <= delimiter + LONG.length() + 6; cut++) {
        assertThat(events(LONG, body, List.of(cut), feed)).as("%s, cut at %d", feed, cut).isEqualTo(expected(parts));
        assertThat(events(LONG, body, List.of(cut - 1000, cut), feed)).as("%s, cuts at %d", feed, cut).isEqualTo(expected(parts));
      }
    }
  }

  // ------------------------------------------------------------------ zero copy, order, leniency

  @Test
  void fileBytesAreSlicesOfTheNetworkBuffersNotCopies() {
    List<Part> parts = List.of(Part.file("mmfile", "a.png", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    Buffer network = Buffer.buffer(body("B", parts));
    Recorder recorder = new Recorder();
    MultipartParser parser = new MultipartParser("B", LIMITS, recorder);
    parser.feed(network);
    parser.endOfInput();
    int at = new String(network.getBytes(), StandardCharsets.ISO_8859_1).indexOf("\u0001");
    network.setByte(at, (byte) 42);
    assertThat(recorder.slices).hasSize(1);
    assertThat(recorder.slices.get(0).getByte(0)).isEqualTo((byte) 42);
  }

  @Test
  void fieldsBeforeAFileAreHandedOutBeforeItsFirstByte() {
    List<Part> parts = List.of(Part.field("sign", "s"), Part.field("length", "3"), Part.file("mmfile", "a.png", new byte[] {1, 2, 3}));
    assertThat(events("B", body("B", parts), List.of())).containsExactly("field sign=s", "field length=3",
      "file mmfile a.png image/png", "bytes 010203", "fileEnd", "end");
  }

  @Test
  void aPausedParserHandsOutNothingUntilResumed() {
    Recorder recorder = new Recorder();
    recorder.pausing = true;
    MultipartParser parser = new MultipartParser("B", LIMITS, recorder);
    recorder.parser = parser;
    parser.feed(Buffer.buffer(body("B", List.of(Part.file("f", "a", new byte[] {9}), Part.field("x", "y")))));
    assertThat(recorder.events).containsExactly("file f a image/png");
    parser.feed(Buffer.buffer());
    assertThat(recorder.events).hasSize(1);
    parser.resume();
    parser.resume();
    parser.endOfInput();
    assertThat(recorder.events).containsExactly("file f a image/png", "bytes 09", "fileEnd", "field x=y", "end");
  }

  @Test
  void acceptsPreambleEpilogueTransportPaddingAndBareLineFeedsInHeaders() {
    String body = "a preamble\r\n--B  \t\r\nContent-Disposition: form-data; name=a\nX-Other: 1\n\nv\r\n--B--\r\nepilogue --B";
    assertThat(events("B", body.getBytes(StandardCharsets.ISO_8859_1), List.of())).containsExactly("field a=v", "end");
  }

  @Test
  void readsQuotedEscapedAndExtendedNamesAndTheFieldsCharset() {
    String body = "--B\r\nContent-Disposition: form-data; name=\"a\\\"b\"; filename=\"C:\\dir\\x.png\"; filename*=UTF-8''%E5%9B%BE.png\r\n\r\n"
      + "\u0001\r\n--B\r\ncontent-disposition: FORM-DATA; name=\"t\"\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\n\u00e9\r\n--B--";
    assertThat(events("B", body.getBytes(StandardCharsets.ISO_8859_1), List.of()))
      .containsExactly("file a\"b \u56fe.png null", "bytes 01", "fileEnd", "field t=\u00e9", "end");
  }

  @Test
  void aFieldKeepsEveryByteBeforeTheLineBreakOfTheDelimiter() {
    // what Netty's decoder got wrong at a read boundary between CR and LF (netty/netty#12729)
    byte[] body = body("B", List.of(Part.field("length", "1050"), Part.file("mmfile", "a", "ab\r".getBytes(StandardCharsets.ISO_8859_1))));
    String text = new String(body, StandardCharsets.ISO_8859_1);
    for (int cr = text.indexOf("\r\n--"); cr >= 0; cr = text.indexOf("\r\n--", cr + 1)) {
      assertThat(events("B", body, List.of(cr + 1))).as("split after byte %d", cr)
        .containsExactly("field length=1050", "file mmfile a image/png", "bytes 61620d", "fileEnd", "end");
    }
  }

  /** What Vert.x's WebClient (Netty's encoder) sends for two files of one name: an empty part, then multipart/mixed. */
  private static final String NETTY_MIXED = "--OUT\r\n--OUT\r\ncontent-disposition: form-data; name=\"files\"\r\n"
    + "content-type: multipart/mixed; boundary=IN\r\n\r\n--IN\r\ncontent-disposition: attachment; filename=\"a.jpg\"\r\n"
    + "content-type: image/jpeg; charset=UTF-8\r\n\r\nAAA\r\n--IN\r\ncontent-disposition: attachment; filename=\"b.ini\"\r\n"
    + "content-length: 3\r\ncontent-type: text/plain; charset=UTF-8\r\n\r\nB\r\n-\r\n--IN--\r\n--OUT\r\n"
    + "content-disposition: form-data; name=\"x\"\r\n\r\ny\r\n--OUT--\r\n";

  @Test
  void readsTheFilesOfAMultipartMixedPartAsFilesOfItsNameWhereverTheReadsEnd() {
    byte[] body = NETTY_MIXED.getBytes(StandardCharsets.ISO_8859_1);
    List<String> expected = List.of("file files a.jpg image/jpeg; charset=UTF-8", "bytes 414141", "fileEnd",
      "file files b.ini text/plain; charset=UTF-8", "bytes 420d0a2d", "fileEnd", "field x=y", "end");
    for (int i = 0; i <= body.length; i++) {
      for (int j = i; j <= body.length; j += 7) {
        assertThat(events("OUT", body, List.of(i, j))).as("cut at %d and %d", i, j).isEqualTo(expected);
      }
    }
  }

  @Test
  void anEmptyFormIsADelimiterThenTheCloseDelimiter() {
    assertThat(events("B", "--B\r\n--B--\r\n".getBytes(StandardCharsets.ISO_8859_1), List.of())).containsExactly("end");
    assertThat(events("B", "--B--".getBytes(StandardCharsets.ISO_8859_1), List.of())).containsExactly("end");
  }

  // ------------------------------------------------------------------ limits and malformed bodies

  @Nested
  class Refuses {
    @Test
    void aPartHeaderBlockPastTheLimit() {
      String body = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: " + "x".repeat(1100) + "\r\n\r\nv\r\n--B--";
      assertFailure(body, Failure.Kind.INVALID_PARAMETER, MultipartParser.HEADER_SIZE);
    }

    @Test
    void moreParts() {
      List<Part> parts = new ArrayList<>();
      for (int i = 0; i < 17; i++) {
        parts.add(Part.field("f" + i, "v"));
      }
      assertFailure(new String(body("B", parts), StandardCharsets.ISO_8859_1), Failure.Kind.INVALID_PARAMETER,
        MultipartBody.FIELDS);
    }

    @Test
    void moreFileParts() {
      List<Part> parts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        parts.add(Part.file("f", "a.png", new byte[] {1}));
      }
      assertFailure(new String(body("B", parts), StandardCharsets.ISO_8859_1), Failure.Kind.INVALID_PARAMETER,
        MultipartBody.PARTS);
    }

    @Test
    void aFieldPastTheLimitWhereverTheReadsEnd() {
      byte[] body = body("B", List.of(Part.field("sign", "x".repeat(1025))));
      for (int cut = 0; cut < body.length; cut += 97) {
        int at = cut;
        assertThatThrownBy(() -> events("B", body, List.of(at))).isInstanceOfSatisfying(Failure.class,
          f -> assertThat(f.parameter()).isEqualTo(MultipartBody.FIELD_SIZE));
      }
    }

    @Test
    void aBodyThatEndsBeforeItsCloseDelimiter() {
      byte[] whole = body("B", List.of(Part.field("a", "v"), Part.file("f", "x", new byte[] {1, 2})));
      for (int end = 0; end < whole.length - 4; end++) {
        byte[] cut = java.util.Arrays.copyOf(whole, end);
        assertThatThrownBy(() -> events("B", cut, List.of())).as("cut at %d", end)
          .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.MALFORMED_BODY));
      }
    }

    @Test
    void malformedParts() {
      for (String body : List.of(
        "--B\r\nContent-Disposition: form-data; x\r\n\r\nv\r\n--B--",
        "--B\r\nContent-Type: text/plain\r\n\r\nv\r\n--B--",
        "--B\r\nContent-Disposition: form-data\r\n\r\nv\r\n--B--",
        "--B\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n--B--",
        "--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--B--",
        "--B\r\n no name\r\n\r\nv\r\n--B--",
        "--B\r\nno colon\r\n\r\nv\r\n--B--",
        "--B\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--Bx\r\n--B--",
        "--B\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--B-x",
        "--B\rContent-Disposition: form-data; name=a\r\n\r\nv\r\n--B--",
        "--B\r\nContent-Disposition: form-data; name=a\r\nContent-Type: multipart/mixed\r\n\r\nv\r\n--B--",
        "--B\r\nContent-Disposition: form-data; name=a\r\nContent-Type: multipart/mixed; boundary=I\r\n\r\n--I\r\n\r\nv\r\n--B--",
        "x".repeat(1025) + "\r\n--B--")) {
        assertFailure(body, Failure.Kind.MALFORMED_BODY, null);
      }
    }

    @Test
    void inputAfterAFailureIsIgnored() {
      Recorder recorder = new Recorder();
      MultipartParser parser = new MultipartParser("B", LIMITS, recorder);
      assertThatThrownBy(() -> parser.feed(Buffer.buffer("--B\r\nbad\r\n\r\n"))).isInstanceOf(Failure.class);
      parser.feed(Buffer.buffer("--B\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--B--"));
      assertThat(recorder.events).isEmpty();
    }

    private void assertFailure(String body, Failure.Kind kind, String parameter) {
      assertThatThrownBy(() -> events("B", body.getBytes(StandardCharsets.ISO_8859_1), List.of())).as(body)
        .isInstanceOfSatisfying(Failure.class, f -> {
          assertThat(f.kind()).isEqualTo(kind);
          if (parameter != null) {
            assertThat(f.parameter()).isEqualTo(parameter);
          }
        });
    }
  }


  static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
