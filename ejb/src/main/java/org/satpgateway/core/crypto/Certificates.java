package org.satpgateway.core.crypto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.satpgateway.core.message.PublicJwk;

/**
 * X.509 certificates of the gateways' trust model (docs/security.md), built and checked with Bouncy Castle:
 * <ul>
 * <li>an organisation's root (its CA), which the counterpart organisation trusts;</li>
 * <li>a gateway's TLS certificate from its organisation's root, for mutual TLS between gateways;</li>
 * <li>a gateway's signing certificate from the same root, binding its SATP message-signing key (ES256 or ES256K)
 * to the gateway (subject CN) and the organisation (issuer). It may carry the hashes of the certificates of the
 * backup gateways allowed to take over from it ({@link #AUTHORISED_BACKUPS}).</li>
 * </ul>
 * An organisation's root may also certify intermediate CAs that issue the gateways' certificates, and its CAs
 * publish CRLs ({@link #intermediate}, {@link #crl}); {@link PeerCertificates} checks a counterpart's chain.
 */
public final class Certificates {
    /**
     * The extension listing the authorised backups: a SEQUENCE OF OCTET STRING, each the SHA-256 of a backup's
     * signing certificate (DER). Its OID is in the {@code 2.25} arc (an OID made from a UUID, ITU-T X.667).
     */
    public static final ASN1ObjectIdentifier AUTHORISED_BACKUPS =
            new ASN1ObjectIdentifier("2.25.208195776737487499338250965584973580491");

    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {}

    /** A new EC P-256 key pair for a root or a TLS certificate. */
    public static KeyPair newEcKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available", e);
        }
    }

    /** A self-signed organisation root: {@code CN=<organisation> Root CA, O=<organisation>}. */
    public static X509Certificate root(String organisation, KeyPair key, Instant now, Duration validity) {
        X500Name name = name(organisation + " Root CA", organisation);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        X509v3CertificateBuilder b = builder(name, name, spki, now, validity);
        add(b, Extension.basicConstraints, true, new BasicConstraints(true));
        add(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        add(b, Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(spki));
        return sign(b, key.getPrivate());
    }

    /**
     * An intermediate CA of the root's organisation, {@code CN=<name>, O=<organisation>}: it may issue gateway
     * certificates and CRLs, but no further CAs (path length 0).
     */
    public static X509Certificate intermediate(X509Certificate root, PrivateKey rootKey, String name,
            java.security.PublicKey key, Instant now, Duration validity) {
        X509CertificateHolder r = holder(root);
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        X509v3CertificateBuilder b = builder(r.getSubject(), name(name, attribute(r.getSubject(), BCStyle.O)), spki,
                now, validity);
        add(b, Extension.basicConstraints, true, new BasicConstraints(0));
        add(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        add(b, Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(spki));
        add(b, Extension.authorityKeyIdentifier, false,
                extensionUtils().createAuthorityKeyIdentifier(r.getSubjectPublicKeyInfo()));
        return sign(b, rootKey);
    }

    /** A CRL of a CA (root or intermediate) revoking the given serial numbers, current for a week from {@code now}. */
    public static X509CRL crl(X509Certificate issuer, PrivateKey issuerKey, List<BigInteger> revokedSerials, Instant now) {
        return crl(issuer, issuerKey, revokedSerials, now, Duration.ofDays(7));
    }

    /**
     * A CRL of a CA revoking the given serial numbers (reason key compromise, revoked at {@code now}): issued at
     * {@code now}, with its next update after {@code validity}. It is signed with {@code issuerKey}, which need not
     * be the issuer's own key (to make a forged CRL).
     */
    public static X509CRL crl(X509Certificate issuer, PrivateKey issuerKey, List<BigInteger> revokedSerials, Instant now,
            Duration validity) {
        X509CertificateHolder i = holder(issuer);
        X509v2CRLBuilder b = new X509v2CRLBuilder(i.getSubject(), Date.from(now));
        b.setNextUpdate(Date.from(now.plus(validity)));
        for (BigInteger serial : revokedSerials) {
            b.addCRLEntry(serial, Date.from(now), CRLReason.keyCompromise);
        }
        try {
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    extensionUtils().createAuthorityKeyIdentifier(i.getSubjectPublicKeyInfo()));
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(now.toEpochMilli())));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CRLConverter().getCRL(b.build(signer));
        } catch (org.bouncycastle.cert.CertIOException | OperatorCreationException | java.security.cert.CRLException e) {
            throw new IllegalStateException("cannot sign the CRL: " + e.getMessage(), e);
        }
    }

    /** The CRLs of a file's bytes, DER (one CRL) or PEM (one or more {@code X509 CRL} blocks). */
    public static List<X509CRL> crls(byte[] derOrPem) {
        try {
            List<X509CRL> out = new ArrayList<>();
            for (java.security.cert.CRL c : CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(derOrPem))) {
                out.add((X509CRL) c);
            }
            return List.copyOf(out);
        } catch (java.security.cert.CertificateException | java.security.cert.CRLException e) {
            throw new IllegalArgumentException("not a CRL: " + e.getMessage(), e);
        }
    }

    /**
     * A gateway's TLS certificate: server and client authentication, with the host names and IP addresses it is
     * reached at.
     */
    public static X509Certificate tls(X509Certificate root, PrivateKey rootKey, String gatewayId,
            java.security.PublicKey key, List<String> hosts, Instant now, Duration validity) {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        X509v3CertificateBuilder b = leaf(root, gatewayId, spki, now, validity);
        add(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        add(b, Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            names.add(new GeneralName(h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        if (!names.isEmpty()) {
            add(b, Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        return sign(b, rootKey);
    }

    /**
     * A gateway's signing certificate: binds its SATP signing key to {@code CN=<gatewayId>} under the root's
     * organisation, and lists the backups allowed to take over from it (hex SHA-256 of their signing certificates).
     */
    public static X509Certificate signing(X509Certificate root, PrivateKey rootKey, String gatewayId, PublicJwk signingKey,
            List<String> authorisedBackups, Instant now, Duration validity) {
        X509v3CertificateBuilder b = leaf(root, gatewayId, subjectPublicKeyInfo(signingKey), now, validity);
        add(b, Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        if (!authorisedBackups.isEmpty()) {
            ASN1EncodableVector v = new ASN1EncodableVector();
            for (String hash : authorisedBackups) {
                v.add(new DEROctetString(HexFormat.of().parseHex(hash)));
            }
            add(b, AUTHORISED_BACKUPS, false, new DERSequence(v));
        }
        return sign(b, rootKey);
    }

    /**
     * A certificate signing request (PKCS#10, PEM) for a gateway's signing key, signed with that key: what an
     * operator gives the organisation's CA after a key loss.
     */
    public static String signingRequest(String gatewayId, String organisation, GatewayKeyPair key) {
        try {
            AlgorithmIdentifier sig = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(sig);
            ContentSigner signer = new BcECContentSignerBuilder(sig, digest).build(key.privateKey());
            PKCS10CertificationRequest csr = new PKCS10CertificationRequestBuilder(name(gatewayId, organisation),
                    subjectPublicKeyInfo(key.publicJwk())).build(signer);
            StringWriter s = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(s)) {
                w.writeObject(new org.bouncycastle.util.io.pem.PemObject("CERTIFICATE REQUEST", csr.getEncoded()));
            }
            return s.toString();
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the signing request: " + e.getMessage(), e);
        }
    }

    /**
     * The CA's side of {@link #signingRequest}: checks that the request is signed by the key it names (proof of
     * possession) and certifies that key for the request's subject CN.
     */
    public static X509Certificate signingFromRequest(X509Certificate root, PrivateKey rootKey, String csrPem,
            List<String> authorisedBackups, Instant now, Duration validity) {
        try (PEMParser p = new PEMParser(new StringReader(csrPem))) {
            if (!(p.readObject() instanceof PKCS10CertificationRequest csr)) {
                throw new IllegalArgumentException("no certificate request in the PEM text");
            }
            SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
            PublicJwk key = jwk(spki);
            PublicKeys.Key parsed = PublicKeys.parse(key).orElseThrow();
            if (!csr.isSignatureValid(new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder())
                    .build(parsed.point()))) {
                throw new IllegalArgumentException("the request is not signed by the key it names");
            }
            return signing(root, rootKey, attribute(csr.getSubject()), key, authorisedBackups, now, validity);
        } catch (IOException | OperatorCreationException | org.bouncycastle.pkcs.PKCSException e) {
            throw new IllegalArgumentException("not a valid certificate request: " + e.getMessage(), e);
        }
    }

    private static PublicJwk jwk(SubjectPublicKeyInfo spki) {
        if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
            throw new IllegalArgumentException("not a named-curve EC key");
        }
        for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
            if (curve.equals(ECNamedCurveTable.getOID(a.curveName()))) {
                ECDomainParameters domain = GatewayKeyPair.domain(a);
                return GatewayKeyPair.toJwk(a, new ECPublicKeyParameters(
                        domain.getCurve().decodePoint(spki.getPublicKeyData().getBytes()), domain));
            }
        }
        throw new IllegalArgumentException("not a key of a supported curve");
    }

    /** Hex SHA-256 of the certificate's DER encoding: how the authorised-backups extension names a certificate. */
    public static String sha256(X509Certificate cert) {
        try {
            return Hashes.sha256Hex(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode the certificate", e);
        }
    }

    /** The hashes listed in the certificate's authorised-backups extension; empty when it has none. */
    public static List<String> authorisedBackups(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(AUTHORISED_BACKUPS.getId());
        if (ext == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        ASN1Sequence seq = ASN1Sequence.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        for (ASN1Encodable e : seq) {
            out.add(HexFormat.of().formatHex(ASN1OctetString.getInstance(e).getOctets()));
        }
        return List.copyOf(out);
    }

    /** The subject's common name: the gateway id of a gateway certificate. */
    public static String commonName(X509Certificate cert) {
        return attribute(holder(cert).getSubject());
    }

    /** The subject's name as written in the certificate (RFC 4519 string form). */
    public static String subject(X509Certificate cert) {
        return holder(cert).getSubject().toString();
    }

    /** The issuer's name as written in the certificate (RFC 4519 string form). */
    public static String issuer(X509Certificate cert) {
        return holder(cert).getIssuer().toString();
    }

    /** The signing key a certificate certifies, as a JWK; empty when it is not a key of a supported curve. */
    public static Optional<PublicJwk> signingKey(X509Certificate cert) {
        SubjectPublicKeyInfo spki = holder(cert).getSubjectPublicKeyInfo();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(spki.getAlgorithm().getAlgorithm())) {
            return Optional.empty();
        }
        try {
            return Optional.of(jwk(spki));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** PEM text of a certificate, or of a private key (PKCS#8). */
    public static String toPem(Object certificateOrKey) {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            if (certificateOrKey instanceof PrivateKey key) {
                w.writeObject(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()));
            } else {
                w.writeObject(certificateOrKey);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s.toString();
    }

    /** The certificates of a PEM text, in order. */
    public static List<X509Certificate> fromPem(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
        return out;
    }

    /** The private key of a PEM text (PKCS#8 or SEC1 EC key). */
    public static PrivateKey privateKeyFromPem(String pem) {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            JcaPEMKeyConverter k = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return k.getPrivateKey(info);
            }
            if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
                return k.getPrivateKey(pair.getPrivateKeyInfo());
            }
            throw new IllegalArgumentException("no private key in the PEM text");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
    }

    static SubjectPublicKeyInfo subjectPublicKeyInfo(PublicJwk jwk) {
        PublicKeys.Key k = PublicKeys.parse(jwk).orElseThrow(() -> new IllegalArgumentException("not a supported EC key"));
        ASN1ObjectIdentifier curve = ECNamedCurveTable.getOID(k.algorithm().curveName());
        return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve),
                k.point().getQ().getEncoded(false));
    }

    private static X509v3CertificateBuilder leaf(X509Certificate root, String gatewayId, SubjectPublicKeyInfo spki,
            Instant now, Duration validity) {
        X509CertificateHolder r = holder(root);
        X500Name subject = name(gatewayId, attribute(r.getSubject(), BCStyle.O));
        X509v3CertificateBuilder b = builder(r.getSubject(), subject, spki, now, validity);
        add(b, Extension.basicConstraints, true, new BasicConstraints(false));
        add(b, Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(spki));
        add(b, Extension.authorityKeyIdentifier, false,
                extensionUtils().createAuthorityKeyIdentifier(r.getSubjectPublicKeyInfo()));
        return b;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, SubjectPublicKeyInfo spki,
            Instant now, Duration validity) {
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        Instant from = now.minus(Duration.ofMinutes(5));
        return new X509v3CertificateBuilder(issuer, serial, Date.from(from), Date.from(now.plus(validity)), subject, spki);
    }

    private static X500Name name(String cn, String organisation) {
        X500NameBuilder n = new X500NameBuilder(BCStyle.INSTANCE);
        n.addRDN(BCStyle.CN, cn);
        if (organisation != null && !organisation.isEmpty()) {
            n.addRDN(BCStyle.O, organisation);
        }
        return n.build();
    }

    private static String attribute(X500Name name) {
        return attribute(name, BCStyle.CN);
    }

    private static String attribute(X500Name name, ASN1ObjectIdentifier type) {
        RDN[] rdns = name.getRDNs(type);
        return rdns.length == 0 ? "" : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    private static void add(X509v3CertificateBuilder b, ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            b.addExtension(oid, critical, value);
        } catch (org.bouncycastle.cert.CertIOException e) {
            throw new IllegalArgumentException("cannot add the extension " + oid, e);
        }
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available for key identifiers", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot sign the certificate: " + e.getMessage(), e);
        }
    }

    private static X509CertificateHolder holder(X509Certificate cert) {
        try {
            return new X509CertificateHolder(cert.getEncoded());
        } catch (IOException | CertificateEncodingException e) {
            throw new IllegalArgumentException("not a valid certificate encoding", e);
        }
    }
}
