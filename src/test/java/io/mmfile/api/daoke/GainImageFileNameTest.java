package io.mmfile.api.daoke;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** gainImage's {@code file} parameter: {@code <unix seconds>:<fileID>.<ext>}, each part as WIRE.md §1 has it. */
class GainImageFileNameTest {
  static final String ID = "a03b74b2ed9911f194efa77214a5a644";
  /** The grammar the hand-written parser stands for. */
  static final Pattern GRAMMAR = Pattern.compile("(?:\\d{1,12}:)?([0-9a-f]{32})(?:\\.([A-Za-z0-9]{1,8}))?");

  static void agreesWithTheGrammar(String file) {
    Matcher m = GRAMMAR.matcher(file);
    GainImageHandler.FileName parsed = GainImageHandler.FileName.parse(file);
    if (m.matches()) {
      assertThat(parsed).as(file).isEqualTo(new GainImageHandler.FileName(m.group(1), m.group(2)));
    } else {
      assertThat(parsed).as(file).isNull();
    }
  }

  @Test
  void readsTheIdAndTheExtension() {
    assertThat(GainImageHandler.FileName.parse("1796137950:" + ID + ".jpg"))
      .isEqualTo(new GainImageHandler.FileName(ID, "jpg"));
    assertThat(GainImageHandler.FileName.parse(ID)).isEqualTo(new GainImageHandler.FileName(ID, null));
  }

  @ParameterizedTest
  @ValueSource(strings = {ID, "1:" + ID, "123456789012:" + ID, "1234567890123:" + ID, ":" + ID, "x:" + ID,
    ID + ".", ID + ".jpg", ID + ".JPEG1234", ID + ".123456789", ID + ".j-g", ID + "0", "03b74b2ed9911f194efa77214a5a644",
    "A03B74B2ED9911F194EFA77214A5A644", "1:2:" + ID, ID + ".jpg.png", "", ":", "1:", "1:" + ID + ".", "１:" + ID})
  void acceptsExactlyTheGrammarsNames(String file) {
    agreesWithTheGrammar(file);
  }

  @Test
  void agreesWithTheGrammarOnRandomNames() {
    Random random = new Random(5);
    String[] pieces = {"1", "12345", ":", ".", "jpg", "X", "-", ID, ID.substring(0, 31), "f", "g"};
    for (int n = 0; n < 20_000; n++) {
      StringBuilder file = new StringBuilder();
      int count = random.nextInt(6);
      for (int i = 0; i < count; i++) {
        file.append(pieces[random.nextInt(pieces.length)]);
      }
      agreesWithTheGrammar(file.toString());
    }
  }
}
