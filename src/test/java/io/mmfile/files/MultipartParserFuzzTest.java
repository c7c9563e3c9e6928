package io.mmfile.files;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmfile.platform.Failure;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes as a multipart body with boundary {@code B}, parsed whole and cut into reads where the
 * input says: the parser either reports events or fails with a client failure (malformed, or a
 * named limit), never anything else; and the cut body gives the same events, or the same failure,
 * as the whole one (file bytes compared joined per part).
 *
 * <p>Input layout: byte 0 is the number of cuts (mod 8), the next bytes (two each) the cut positions,
 * the rest the body.
 */
class MultipartParserFuzzTest {
  private static final MultipartParser.Limits LIMITS = new MultipartParser.Limits(256, 8, 3);

  @FuzzTest(maxDuration = "5m", maxExecutions = 2_000_000)
  // no line feeds: Jazzer writes dictionary entries unescaped, one a line; the seeds carry the CRLFs
  @DictionaryEntries({"--B", "--B--", "\r", "Content-Disposition: form-data; name=\"", "\"; filename=\"",
    "filename*=UTF-8''", "Content-Type: text/plain; charset=", "form-data", "name=", "\\\""})
  void splitBody(byte[] input) {
    int cutCount = input.length > 0 ? (input[0] & 0xff) % 8 : 0;
    int headerBytes = Math.min(input.length, 1 + 2 * cutCount);
    byte[] body = java.util.Arrays.copyOfRange(input, headerBytes, input.length);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 1; i + 1 < headerBytes; i += 2) {
      int at = (((input[i] & 0xff) << 8) | (input[i + 1] & 0xff)) % (body.length + 1);
      cuts.add(at);
    }
    cuts.sort(null);
    String whole = outcome(body, List.of());
    assertThat(outcome(body, cuts)).as("cut at %s", cuts).isEqualTo(whole);
  }

  /** The events, or the failure's kind and parameter, as one string. */
  private static String outcome(byte[] body, List<Integer> cuts) {
    MultipartParserTest.Recorder recorder = new MultipartParserTest.Recorder();
    MultipartParser parser = new MultipartParser("B", LIMITS, recorder);
    try {
      int from = 0;
      List<Integer> ends = new ArrayList<>(cuts);
      ends.add(body.length);
      for (int to : ends) {
        if (to > from) {
          parser.feed(Buffer.buffer(body).slice(from, to).copy());
          from = to;
        }
      }
      parser.endOfInput();
      return String.join("\n", recorder.events);
    } catch (Failure f) {
      assertThat(f.kind()).as(f.getMessage()).isIn(Failure.Kind.MALFORMED_BODY, Failure.Kind.INVALID_PARAMETER);
      // events before the failure may differ (a limit crossed sooner or later), the failure may not
      return "failure " + f.kind() + " " + f.parameter();
    }
  }
}
