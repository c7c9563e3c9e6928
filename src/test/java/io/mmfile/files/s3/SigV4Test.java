package io.mmfile.files.s3;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples AWS publishes for Signature Version 4 (IAM and S3 developer guides), signed by {@link SigV4}. */
class SigV4Test {
  private static final Instant EXAMPLE_DAY = Instant.parse("2013-05-24T00:00:00Z");
  private final SigV4 s3 = new SigV4("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3");

  @Test
  void derivesTheSigningKeyOfTheIamExample() {
    SigV4 iam = new SigV4("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "iam");
    assertThat(HexFormat.of().formatHex(iam.signingKey("20120215")))
      .isEqualTo("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  }

  @Test
  void signsTheGetObjectWithRangeExample() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "examplebucket.s3.amazonaws.com");
    headers.put("Range", "bytes=0-9");
    headers.put("x-amz-content-sha256", SigV4.EMPTY_SHA256);
    SigV4.Signature signature = s3.sign("GET", "/test.txt", Map.of(), headers, SigV4.EMPTY_SHA256, EXAMPLE_DAY);
    assertThat(signature.amzDate()).isEqualTo("20130524T000000Z");
    assertThat(signature.authorization()).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/"
      + "us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
      + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  }

  @Test
  void signsThePutObjectExampleWithAnEncodedKey() {
    String payload = SigV4.sha256Hex("Welcome to Amazon S3.");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "examplebucket.s3.amazonaws.com");
    headers.put("Date", "Fri, 24 May 2013 00:00:00 GMT");
    headers.put("x-amz-storage-class", "REDUCED_REDUNDANCY");
    headers.put("x-amz-content-sha256", payload);
    SigV4.Signature signature = s3.sign("PUT", "/" + SigV4.encode("test$file.text", false), Map.of(), headers,
      payload, EXAMPLE_DAY);
    assertThat(signature.authorization()).endsWith(
      "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  }

  @Test
  void signsTheListObjectsExampleWithAQuery() {
    Map<String, String> headers = Map.of("Host", "examplebucket.s3.amazonaws.com",
      "x-amz-content-sha256", SigV4.EMPTY_SHA256);
    SigV4.Signature signature = s3.sign("GET", "/", Map.of("max-keys", "2", "prefix", "J"), headers,
      SigV4.EMPTY_SHA256, EXAMPLE_DAY);
    assertThat(signature.authorization())
      .endsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  }

  @Test
  void signsAValuelessSubresourceAsAnEmptyValue() {
    Map<String, String> headers = Map.of("Host", "examplebucket.s3.amazonaws.com",
      "x-amz-content-sha256", SigV4.EMPTY_SHA256);
    SigV4.Signature signature = s3.sign("GET", "/", Map.of("lifecycle", ""), headers, SigV4.EMPTY_SHA256, EXAMPLE_DAY);
    assertThat(signature.authorization())
      .endsWith("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  }

  @Test
  void encodesLikeRfc3986WithUpperCaseHex() {
    assertThat(SigV4.encode("a b/c*~é", true)).isEqualTo("a%20b%2Fc%2A~%C3%A9");
    assertThat(SigV4.encode("dir/key name", false)).isEqualTo("dir/key%20name");
  }

  @Test
  void neverShowsTheSecret() {
    assertThat(s3.toString()).doesNotContain("wJalrXUtnFEMI");
  }
}
