package io.mmfile.auth;

import io.mmfile.platform.ConfigException;
import io.mmfile.platform.MmfileConfig;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The ES256 keys of access tokens: exactly one signing key with a key id, plus public keys still
 * accepted during a rotation. Production names a key file; the embedded default generates a key on
 * first start and keeps it in {@code data.dir/keys}, readable by its owner only.
 */
public final class SigningKeys {
  /** A public key as PEM and the id it is known by in token headers. */
  public record PublicKey(String keyId, String pem) {
  }

  private final String keyId;
  private final String privatePem;
  private final List<PublicKey> publicKeys;

  private SigningKeys(String keyId, String privatePem, List<PublicKey> publicKeys) {
    this.keyId = keyId;
    this.privatePem = privatePem;
    this.publicKeys = publicKeys;
  }

  public String keyId() {
    return keyId;
  }

  public String privatePem() {
    return privatePem;
  }

  /** The signing key's own public key first, then the previous ones. */
  public List<PublicKey> publicKeys() {
    return publicKeys;
  }

  /** Loads the configured key, or the generated one under {@code dataDir/keys} (creating it once). Blocking. */
  public static SigningKeys load(MmfileConfig.Auth config, Path dataDir) {
    try {
      String keyId;
      String privatePem;
      if (config.jwtPrivateKey().isPresent()) {
        privatePem = Files.readString(config.jwtPrivateKey().get());
        keyId = config.jwtKeyId().orElseThrow();
      } else {
        // Created owner-only (0600): the key signs every access token.
        privatePem = SecretFile.readOrCreate(dataDir.resolve("keys").resolve("jwt-es256.pem"), SigningKeys::generatePrivatePem);
        keyId = null;
      }
      ECPrivateKey privateKey = parsePrivate(privatePem);
      String publicPem = pem("PUBLIC KEY", derivePublic(privateKey).getEncoded());
      if (keyId == null) {
        keyId = thumbprint(publicPem);
      }
      List<PublicKey> publics = new ArrayList<>();
      publics.add(new PublicKey(keyId, publicPem));
      for (Path previous : config.jwtPreviousPublicKeys()) {
        String name = previous.getFileName().toString();
        publics.add(new PublicKey(name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name,
          Files.readString(previous)));
      }
      return new SigningKeys(keyId, privatePem, List.copyOf(publics));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or write the token signing key: " + e.getMessage(), e);
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException("auth.jwt-private-key", "is not a PEM PKCS#8 EC P-256 private key: " + e.getMessage());
    }
  }

  /** A new P-256 key as PEM PKCS#8; also what {@code docs/security.md} suggests for rotation. */
  public static String generatePrivatePem() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is part of every JDK", e);
    }
  }

  private static ECPrivateKey parsePrivate(String pem) throws java.security.GeneralSecurityException {
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
  }

  private static ECPublicKey derivePublic(ECPrivateKey key) throws java.security.GeneralSecurityException {
    ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
    org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(key.getS()).normalize();
    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
  }

  private static String thumbprint(String publicPem) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicPem.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
