package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * mmfile's streaming multipart/form-data parser (RFC 7578 over RFC 2046 §5.1), fed the network reads
 * of one request body as they come. Form fields are handed out as soon as each one is complete, so
 * whoever reads the body knows the fields sent before a file part when that part begins; the bytes
 * of a file part are handed out as slices of the network buffers, never copied.
 *
 * <p>Every split of a body into reads gives the same events, except that file bytes may come in
 * more or fewer slices. Limits: a part's header block and a field's value are at most
 * {@link Limits#maxFieldBytes()} bytes, a body at most {@link Limits#maxFields()} parts of which at
 * most {@link Limits#maxFileParts()} files; past any of them the parser throws the
 * {@link Failure#invalid(String) invalid-parameter} failure naming the limit, and a body that breaks
 * the format throws {@link Failure.Kind#MALFORMED_BODY}. After a failure it ignores its input.
 *
 * <p>The listener may {@link #pause()} the parser in any callback: no further callback comes until
 * {@link #resume()}, and input fed meanwhile is queued. A file-part start is always the last callback
 * of one step, so a listener that pauses there gets no bytes of the part before it resumes.
 * Not thread-safe: one request's event loop only.
 */
public final class MultipartParser {
  /** Parameter name of the failure for a part header block past the limit. */
  public static final String HEADER_SIZE = "form part header size";

  /** What the parser hands out, in body order. */
  public interface Listener {
    /** A complete form field (a part without a filename). */
    void field(String name, String value);

    /** A file part begins (a part with a filename, even an empty one). */
    void fileStart(String name, String filename, String contentType);

    /** The next bytes of the current file part: a slice of a network buffer, not to be changed. */
    void fileData(Buffer bytes);

    /** The current file part's bytes are complete. */
    void fileEnd();

    /** The close delimiter: the body is complete (anything after it is ignored). */
    void end();
  }

  /** The bounds of one body; see the class comment. */
  public record Limits(int maxFieldBytes, int maxFields, int maxFileParts) {
  }

  private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, FIELD, FILE, MIXED_EPILOGUE, EPILOGUE, FAILED }

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private final byte[] outerDelimiter;
  /** The delimiter searched for now: the form's, or inside a multipart/mixed part that part's. */
  private byte[] delimiter;
  /** The field name of the multipart/mixed part being read (several files of one name), else null. */
  private String mixedName;
  private final Limits limits;
  private final Listener listener;
  private final ArrayDeque<Buffer> input = new ArrayDeque<>();
  private int position;
  private boolean inputEnded;
  private boolean paused;
  private boolean driving;
  private State state = State.PREAMBLE;

  // delimiter matching across reads
  private int matched;
  private int matchStart;
  private final List<Buffer> held = new ArrayList<>();
  /** Where each byte value occurs in the delimiter ({@link #nextStart}), and the delimiter it was made for. */
  private int[][] positions;
  private byte[] positionsFor;

  // after a delimiter: 0 start, 1 one '-' seen, 2 padding, 3 CR seen
  private int afterDelimiter;
  private int paddingBytes;
  private long preambleBytes;

  // the current part
  private final HeaderBlock headers;
  private Buffer fieldValue;
  private String partName;
  private Charset fieldCharset;
  private int parts;
  private int fileParts;

  public MultipartParser(String boundary, Limits limits, Listener listener) {
    this.outerDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.delimiter = outerDelimiter;
    this.limits = limits;
    this.listener = listener;
    this.headers = new HeaderBlock(limits.maxFieldBytes());
    // The first delimiter may open the body without the line break before it: match as if one came.
    this.matched = 2;
    this.matchStart = -1;
  }

  /** Parses {@code bytes} (or queues them while paused). Throws the body's {@link Failure}. */
  public void feed(Buffer bytes) {
    if (state == State.FAILED || state == State.EPILOGUE) {
      return;
    }
    if (bytes.length() > 0) {
      input.add(bytes);
    }
    drive();
  }

  /** No more input: throws unless the close delimiter came (at once, or once the queue is parsed). */
  public void endOfInput() {
    inputEnded = true;
    drive();
  }

  public void pause() {
    paused = true;
  }

  public boolean paused() {
    return paused;
  }

  /** Continues with queued input; throws the body's {@link Failure}. */
  public void resume() {
    paused = false;
    drive();
  }

  /** Whether the close delimiter has been parsed. */
  public boolean complete() {
    return state == State.EPILOGUE;
  }

  private void drive() {
    if (driving) {
      // called back from a listener: the loop below goes on when the callback returns
      return;
    }
    driving = true;
    try {
      while (!paused && state != State.FAILED && state != State.EPILOGUE && !input.isEmpty()) {
        Buffer current = input.peek();
        position = step(current, position);
        if (position >= current.length()) {
          input.poll();
          position = 0;
        }
      }
      if (inputEnded && !paused && input.isEmpty() && state != State.EPILOGUE && state != State.FAILED) {
        throw Failure.of(Failure.Kind.MALFORMED_BODY, "the body ended before its closing boundary");
      }
    } catch (Failure f) {
      state = State.FAILED;
      input.clear();
      held.clear();
      throw f;
    } catch (RuntimeException e) {
      // a bug here must not look like the client's fault, but it must not escape unanswered either
      state = State.FAILED;
      input.clear();
      held.clear();
      throw Failure.of(Failure.Kind.STORE_FAILED, "multipart parser failed: " + e, e);
    } finally {
      driving = false;
    }
    if (state == State.EPILOGUE) {
      input.clear();
    }
  }

  /** One step from {@code pos}: up to a state change or the end of the buffer. Returns where it stopped. */
  private int step(Buffer buffer, int pos) {
    return switch (state) {
      case PREAMBLE, FIELD, FILE, MIXED_EPILOGUE -> content(buffer, pos);
      case AFTER_DELIMITER -> afterDelimiter(buffer, pos);
      case HEADERS -> headers(buffer, pos);
      case EPILOGUE, FAILED -> buffer.length();
    };
  }

  /**
   * Scans part content for the delimiter ({@code CRLF--boundary}). Its CR occurs nowhere else in
   * it (a boundary has no CR), so after a mismatch a new match can only begin at the byte that
   * broke the old one: no backtracking, and what was held back as a possible delimiter is content.
   * Between matches, {@link #nextStart} skips to where the next one may begin.
   */
  private int content(Buffer buffer, int pos) {
    ByteBuf bytes = ((BufferInternal) buffer).getByteBuf();
    int end = buffer.length();
    int from = pos;
    int i = pos;
    while (i < end) {
      if (matched == 0) {
        int cr = nextStart(bytes, i, end);
        if (cr < 0) {
          break;
        }
        matched = 1;
        matchStart = cr;
        i = cr + 1;
        continue;
      }
      byte b = bytes.getByte(i);
      if (b == delimiter[matched]) {
        matched++;
        i++;
        if (matched == delimiter.length) {
          if (matchStart >= 0) {
            emit(buffer, from, matchStart);
          }
          held.clear();
          matched = 0;
          delimiterFound();
          return i;
        }
        continue;
      }
      // Not a delimiter after all: what was held back is content, and the byte that broke the
      // match is looked at again as a possible start.
      if (matchStart < 0) {
        for (Buffer h : held) {
          emit(h, 0, h.length());
        }
        held.clear();
      }
      matched = 0;
    }
    if (matched > 0) {
      if (matchStart >= 0) {
        emit(buffer, from, matchStart);
        held.add(buffer.slice(matchStart, end));
      } else {
        held.add(buffer.slice(from, end));
      }
      // the match now begins in held-back bytes
      matchStart = -1;
    } else {
      emit(buffer, from, end);
    }
    return end;
  }

  /**
   * Where the next delimiter may begin in {@code [from, end)}: the first whole delimiter there, else
   * the first CR of the bytes too close to the end for a whole one (a delimiter the next read may
   * complete), else -1. No delimiter begins before the position returned.
   *
   * <p>The whole ones are found by looking at one byte in every delimiter's length: a delimiter of
   * {@code n} bytes covers exactly one of the positions {@code from + n - 1}, {@code from + 2n - 1}, …,
   * so where the byte there occurs nowhere in the delimiter, no delimiter covers it. Most bytes of
   * a file are not in a boundary, so most looks end there, and the looks do not depend on each
   * other (a skip search such as Horspool's waits for each byte to choose the next).
   */
  private int nextStart(ByteBuf bytes, int from, int end) {
    byte[] d = delimiter;
    int lastStart = end - d.length;
    if (from <= lastStart) {
      if (positions == null || positionsFor != d) {
        positions = positions(d);
        positionsFor = d;
      }
      int found = bytes.hasArray() ? search(bytes.array(), bytes.arrayOffset(), from, lastStart, d, positions)
        : search(bytes, from, lastStart, d, positions);
      if (found >= 0) {
        return found;
      }
      from = lastStart + 1;
    }
    // fewer bytes than a delimiter are left: one may begin at a CR among them and end in the next read
    return bytes.indexOf(from, end, CR);
  }

  /** For each byte value, where it occurs in the delimiter, last position first; null where it does not. */
  private static int[][] positions(byte[] d) {
    int[][] at = new int[256][];
    for (int j = d.length - 1; j >= 0; j--) {
      int[] before = at[d[j] & 0xff];
      int[] grown = before == null ? new int[1] : java.util.Arrays.copyOf(before, before.length + 1);
      grown[grown.length - 1] = j;
      at[d[j] & 0xff] = grown;
    }
    return at;
  }

  /** The first {@code p} in {@code [from, lastStart]} where {@code d} is at {@code a[offset + p]}, else -1. */
  private static int search(byte[] a, int offset, int from, int lastStart, byte[] d, int[][] positions) {
    int n = d.length;
    for (int k = from + n - 1; k < lastStart + n; k += n) {
      int[] at = positions[a[offset + k] & 0xff];
      if (at != null) {
        // the delimiters that could cover k, leftmost first; at most one is there (two cannot overlap)
        for (int j : at) {
          int p = k - j;
          if (p >= from && p <= lastStart && a[offset + p] == CR
            && java.util.Arrays.equals(a, offset + p, offset + p + n, d, 0, n)) {
            return p;
          }
        }
      }
    }
    return -1;
  }

  /** The same over a buffer without an array (direct or composite memory). */
  private static int search(ByteBuf bytes, int from, int lastStart, byte[] d, int[][] positions) {
    int n = d.length;
    for (int k = from + n - 1; k < lastStart + n; k += n) {
      int[] at = positions[bytes.getByte(k) & 0xff];
      if (at != null) {
        for (int j : at) {
          int p = k - j;
          if (p >= from && p <= lastStart && equalsAt(bytes, p, d)) {
            return p;
          }
        }
      }
    }
    return -1;
  }

  private static boolean equalsAt(ByteBuf bytes, int at, byte[] d) {
    for (int j = 0; j < d.length; j++) {
      if (bytes.getByte(at + j) != d[j]) {
        return false;
      }
    }
    return true;
  }

  private void emit(Buffer buffer, int from, int to) {
    if (to <= from) {
      return;
    }
    switch (state) {
      case PREAMBLE, MIXED_EPILOGUE -> {
        preambleBytes += to - from;
        if (preambleBytes > limits.maxFieldBytes()) {
          throw Failure.of(Failure.Kind.MALFORMED_BODY, "no multipart delimiter at the start of the body");
        }
      }
      case FIELD -> {
        if (fieldValue.length() + (to - from) > limits.maxFieldBytes()) {
          throw Failure.invalid(MultipartBody.FIELD_SIZE);
        }
        fieldValue.appendBuffer(buffer, from, to - from);
      }
      case FILE -> listener.fileData(from == 0 && to == buffer.length() ? buffer : buffer.slice(from, to));
      default -> throw new IllegalStateException("content in state " + state);
    }
  }

  private void delimiterFound() {
    switch (state) {
      case FIELD -> listener.field(partName, fieldValue.toString(fieldCharset));
      case FILE -> listener.fileEnd();
      default -> { }
    }
    fieldValue = null;
    state = State.AFTER_DELIMITER;
    afterDelimiter = 0;
    paddingBytes = 0;
  }

  /** After {@code --boundary}: {@code --} closes the body; else optional padding, then a line break. */
  private int afterDelimiter(Buffer buffer, int pos) {
    int end = buffer.length();
    for (int i = pos; i < end; i++) {
      byte b = buffer.getByte(i);
      switch (afterDelimiter) {
        case 0 -> {
          if (b == '-') {
            afterDelimiter = 1;
            continue;
          }
          afterDelimiter = 2;
          if (padding(b, i)) {
            headers.reset();
            state = State.HEADERS;
            return i + 1;
          }
        }
        case 1 -> {
          if (b != '-') {
            throw malformed("a delimiter followed by a single '-'");
          }
          closeDelimiter();
          return state == State.EPILOGUE ? end : i + 1;
        }
        case 2 -> {
          if (padding(b, i)) {
            headers.reset();
            state = State.HEADERS;
            return i + 1;
          }
        }
        case 3 -> {
          if (b != LF) {
            throw malformed("a delimiter line not ended by CRLF");
          }
          headers.reset();
          state = State.HEADERS;
          return i + 1;
        }
        default -> throw new IllegalStateException("after delimiter " + afterDelimiter);
      }
    }
    return end;
  }

  /**
   * A close delimiter: of the form (the body is complete), or of a multipart/mixed part, after which
   * what comes up to the form's next delimiter is dropped.
   */
  private void closeDelimiter() {
    if (mixedName == null) {
      state = State.EPILOGUE;
      listener.end();
      return;
    }
    mixedName = null;
    delimiter = outerDelimiter;
    preambleBytes = 0;
    state = State.MIXED_EPILOGUE;
    // dropped bytes come before the form's delimiter, so it may follow without a line break of its own
    matched = 2;
    matchStart = -1;
  }

  /** One byte of transport padding or its line break; true once the line ended. */
  private boolean padding(byte b, int at) {
    if (b == ' ' || b == '\t') {
      if (++paddingBytes > limits.maxFieldBytes()) {
        throw Failure.invalid(HEADER_SIZE);
      }
      return false;
    }
    if (b == CR) {
      afterDelimiter = 3;
      return false;
    }
    if (b == LF) {
      return true;
    }
    throw malformed("a delimiter followed by other text");
  }

  private int headers(Buffer buffer, int pos) {
    int end = buffer.length();
    for (int i = pos; i < end; i++) {
      switch (headers.add(buffer.getByte(i), delimiter)) {
        case DONE -> {
          beginPart();
          return i + 1;
        }
        case DELIMITER -> {
          // an empty part: a delimiter line right after a delimiter line (Netty's encoder writes one
          // before a multipart/mixed part); read it as the delimiter that it is
          headers.reset();
        }
        case CLOSE -> {
          closeDelimiter();
          return state == State.EPILOGUE ? end : i + 1;
        }
        default -> { }
      }
    }
    return end;
  }

  private void beginPart() {
    if (++parts > limits.maxFields()) {
      throw Failure.invalid(MultipartBody.FIELDS);
    }
    String contentType = headers.get("content-type");
    if (mixedName != null) {
      // RFC 7578 §4.3 (obsolete, still sent): each part of a multipart/mixed part is one file of its name
      Disposition inner = Disposition.inner(headers.get("content-disposition"));
      if (++fileParts > limits.maxFileParts()) {
        throw Failure.invalid(MultipartBody.PARTS);
      }
      state = State.FILE;
      listener.fileStart(mixedName, inner.filename() == null ? "" : inner.filename(), contentType);
      return;
    }
    Disposition disposition = Disposition.of(headers.get("content-disposition"));
    String mixedBoundary = mixedBoundary(contentType);
    if (mixedBoundary != null) {
      mixedName = disposition.name();
      delimiter = ("\r\n--" + mixedBoundary).getBytes(StandardCharsets.ISO_8859_1);
      state = State.PREAMBLE;
      preambleBytes = 0;
      // the nested body begins right after the headers, so its first delimiter may come without a line break
      matched = 2;
      matchStart = -1;
      return;
    }
    if (disposition.filename() != null) {
      if (++fileParts > limits.maxFileParts()) {
        throw Failure.invalid(MultipartBody.PARTS);
      }
      state = State.FILE;
      listener.fileStart(disposition.name(), disposition.filename(), contentType);
    } else {
      state = State.FIELD;
      partName = disposition.name();
      fieldCharset = charsetOf(contentType);
      fieldValue = Buffer.buffer(64);
    }
  }

  /** The boundary of a {@code multipart/mixed} part's Content-Type, else null. */
  private static String mixedBoundary(String contentType) {
    if (contentType == null || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/mixed")) {
      return null;
    }
    String boundary = MultipartBody.boundary("multipart/form-data" + contentType.trim().substring("multipart/mixed".length()))
      .orElseThrow(() -> malformed("a multipart/mixed part without a usable boundary"));
    if (boundary.indexOf('\r') >= 0 || boundary.indexOf('\n') >= 0) {
      throw malformed("a multipart/mixed boundary with a line break");
    }
    return boundary;
  }

  private static Charset charsetOf(String contentType) {
    if (contentType != null) {
      for (String param : contentType.split(";")) {
        int eq = param.indexOf('=');
        if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
          try {
            return Charset.forName(unquote(param.substring(eq + 1).trim()));
          } catch (RuntimeException e) {
            // an unknown charset: read the value as UTF-8, the form's default (RFC 7578 §4.6)
          }
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  private static Failure malformed(String what) {
    return Failure.of(Failure.Kind.MALFORMED_BODY, "malformed multipart body: " + what);
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1)
      : value;
  }

  /**
   * The header block of one part, read byte by byte into a bounded array: lines end in LF (a CR
   * before it is dropped), an empty line ends the block, a line that starts with a space or tab
   * continues the one before (obsolete folding).
   */
  private enum Line { MORE, DONE, DELIMITER, CLOSE }

  private static final class HeaderBlock {
    private final byte[] bytes;
    private int length;
    private int lineStart;
    private final List<String[]> parsed = new ArrayList<>();

    HeaderBlock(int max) {
      this.bytes = new byte[max];
    }

    void reset() {
      length = 0;
      lineStart = 0;
      parsed.clear();
    }

    /**
     * Adds one byte: {@code DONE} when the block is complete; {@code DELIMITER} or {@code CLOSE} when
     * its first line is {@code delimiter} (without its line break) or the close delimiter.
     */
    Line add(byte b, byte[] delimiter) {
      if (b != LF) {
        if (length == bytes.length) {
          throw Failure.invalid(HEADER_SIZE);
        }
        bytes[length++] = b;
        return Line.MORE;
      }
      int lineEnd = length > lineStart && bytes[length - 1] == CR ? length - 1 : length;
      if (lineEnd == lineStart) {
        return Line.DONE;
      }
      if (lineStart == 0) {
        int n = delimiter.length - 2;
        if (lineEnd >= n && java.util.Arrays.equals(bytes, 0, n, delimiter, 2, delimiter.length)) {
          String rest = new String(bytes, n, lineEnd - n, StandardCharsets.ISO_8859_1);
          if (rest.isBlank()) {
            return Line.DELIMITER;
          }
          if (rest.startsWith("--")) {
            return Line.CLOSE;
          }
        }
      }
      String line = new String(bytes, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
      if ((line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
        if (parsed.isEmpty()) {
          throw malformed("a part header block that starts with a continuation line");
        }
        String[] last = parsed.get(parsed.size() - 1);
        last[1] = last[1] + " " + line.trim();
      } else {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw malformed("a part header line without a name");
        }
        parsed.add(new String[] {line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim()});
      }
      lineStart = length;
      return Line.MORE;
    }

    String get(String name) {
      for (String[] header : parsed) {
        if (header[0].equals(name)) {
          return header[1];
        }
      }
      return null;
    }
  }

  /** {@code Content-Disposition: form-data; name="…"; filename="…"} (RFC 7578 §4.2). */
  record Disposition(String name, String filename) {
    /** A part inside a multipart/mixed part: {@code attachment} (or {@code file}) with a filename, or none. */
    static Disposition inner(String header) {
      if (header == null) {
        return new Disposition(null, null);
      }
      Params params = new Params(header);
      params.token();
      String filename = null;
      while (params.next()) {
        if (params.key.equalsIgnoreCase("filename") && filename == null) {
          filename = params.value;
        }
      }
      return new Disposition(null, filename);
    }

    static Disposition of(String header) {
      if (header == null) {
        throw malformed("a part without Content-Disposition");
      }
      Params params = new Params(header);
      String type = params.token();
      if (!type.equalsIgnoreCase("form-data")) {
        throw malformed("a part whose disposition is not form-data");
      }
      String name = null;
      String filename = null;
      String extendedFilename = null;
      while (params.next()) {
        String key = params.key.toLowerCase(Locale.ROOT);
        switch (key) {
          case "name" -> name = name == null ? params.value : name;
          case "filename" -> filename = filename == null ? params.value : filename;
          case "filename*" -> extendedFilename = decodeExtended(params.value);
          default -> { }
        }
      }
      if (name == null) {
        throw malformed("a part without a name");
      }
      if (extendedFilename != null) {
        filename = extendedFilename;
      }
      return new Disposition(name, filename);
    }

    /** RFC 5987 {@code charset'lang'percent-encoded}; null when it does not decode. */
    private static String decodeExtended(String value) {
      int first = value.indexOf('\'');
      int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
      if (second < 0) {
        return null;
      }
      try {
        Charset charset = Charset.forName(value.substring(0, first));
        return java.net.URLDecoder.decode(value.substring(second + 1).replace("+", "%2B"), charset);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** Reads {@code token *( ";" key "=" (token | quoted-string) )}. */
  private static final class Params {
    private final String text;
    private int at;
    String key;
    String value;

    Params(String text) {
      this.text = text;
    }

    String token() {
      int semi = text.indexOf(';');
      String token = (semi < 0 ? text : text.substring(0, semi)).trim();
      at = semi < 0 ? text.length() : semi;
      return token;
    }

    /** The next parameter into {@link #key} and {@link #value}; false at the end. */
    boolean next() {
      while (at < text.length() && (text.charAt(at) == ';' || Character.isWhitespace(text.charAt(at)))) {
        at++;
      }
      if (at >= text.length()) {
        return false;
      }
      int eq = text.indexOf('=', at);
      int semi = text.indexOf(';', at);
      if (eq < 0 || (semi >= 0 && semi < eq)) {
        throw malformed("a Content-Disposition parameter without '='");
      }
      key = text.substring(at, eq).trim();
      if (key.isEmpty()) {
        throw malformed("a Content-Disposition parameter without a name");
      }
      int i = eq + 1;
      while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
        i++;
      }
      if (i < text.length() && text.charAt(i) == '"') {
        StringBuilder quoted = new StringBuilder();
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          char c = text.charAt(i);
          // A backslash escapes the next character (RFC 2616 quoted-pair), except before a letter:
          // browsers send Windows paths such as C:\dir\a.png unescaped, and those keep their backslashes.
          if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
            i++;
            c = text.charAt(i);
          }
          quoted.append(c);
          i++;
        }
        if (i >= text.length()) {
          throw malformed("an unterminated quoted Content-Disposition parameter");
        }
        value = quoted.toString();
        at = i + 1;
      } else {
        int stop = text.indexOf(';', i);
        value = (stop < 0 ? text.substring(i) : text.substring(i, stop)).trim();
        at = stop < 0 ? text.length() : stop;
      }
      return true;
    }
  }
}
