package io.mmfile.api.daoke;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmfile.auth.AppKey;
import io.mmfile.auth.SignatureVerifier;
import io.mmfile.platform.Failure;
import io.vertx.core.MultiMap;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * saveImage's form fields and sign, as {@link SaveImageForm} reads them: any values, in fields or
 * headers, with a sign that is sometimes right. The answer is valid parameters or an invalid-parameter
 * or bad-sign failure; never another exception.
 */
class SaveImageFormFuzzTest {
  private static final AppKey APP = new AppKey("1234567890", "F4B69942DA5ECB41F1C71B1CAF5F3773A1852D6D", "fuzz", true, 0);
  private static final long MAX_BYTES = 8 * 1024 * 1024;
  private static final String[] NAMES = {"appKey", "appkey", "length", "isStorage", "cacheTime", "sign"};
  private static final EnumSet<Failure.Kind> CLIENT_FAILURES =
    EnumSet.of(Failure.Kind.INVALID_PARAMETER, Failure.Kind.BAD_SIGNATURE);

  @FuzzTest(maxDuration = "5m", maxExecutions = 20_000)
  @DictionaryEntries({"1234567890", "true", "false", "1050", "1050.0", "1e3", "0.5", "-1", "\r"})
  void fieldsAndSign(FuzzedDataProvider data) {
    MultiMap fields = MultiMap.caseInsensitiveMultiMap();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String name : NAMES) {
      switch (data.consumeInt(0, 3)) {
        case 1 -> fields.add(name, data.consumeString(40));
        case 2 -> headers.add(name, data.consumeString(40));
        case 3 -> fields.add(name, name.equals("appKey") ? APP.appKey() : data.consumeString(20));
        default -> { }
      }
    }
    if (data.consumeBoolean()) {
      // a sign that matches whatever the other fields say, so the fuzzer gets past the sign check
      Map<String, String> signed = new LinkedHashMap<>();
      signed.put("appKey", APP.appKey());
      for (String name : new String[] {"length", "isStorage", "cacheTime"}) {
        String value = SaveImageForm.field(fields, name);
        if (value != null) {
          signed.put(name, value);
        }
      }
      fields.set("sign", SignatureVerifier.sign(signed, APP.secret()));
    }
    try {
      SaveImageForm.appKeyIfPresent(fields, headers);
      SaveImageForm.Params params = SaveImageForm.check(fields, headers, APP, MAX_BYTES);
      assertThat(params.length()).isBetween(0L, MAX_BYTES);
      assertThat(params.ttlMs()).isNotNegative();
    } catch (Failure f) {
      assertThat(f.kind()).isIn(CLIENT_FAILURES);
    }
  }
}
