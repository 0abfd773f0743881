package io.joblane.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.joblane.certs.x509.CertificateInspector;
import io.joblane.certs.x509.EnsureOutcome;
import io.joblane.certs.x509.Inspections;
import io.joblane.certs.x509.StoredMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateFilesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-15T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void createsTheFilesWithOwnerOnlyKeysAndKeepsThemOnTheNextCall() throws Exception {
        Path out = dir.resolve("certs");
        CertificateFiles.Result first =
                CertificateFiles.ensure(out, "joblane-webhook", "joblane", List.of("localhost"), CLOCK);

        assertThat(first.outcome().action()).isEqualTo(EnsureOutcome.Action.REPLACED);
        assertThat(first.certFile()).isEqualTo(out.resolve("tls.crt"));
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca.crt", "tls.crt", "tls.key", "ca.key");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("tls.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ca.key"))))
                .isEqualTo("rw-------");
        assertThat(CertificateInspector.inspect(
                                Files.readString(first.caFile()),
                                Files.readString(first.certFile()),
                                Files.readString(first.keyFile()))
                        .names())
                .contains("localhost", "joblane-webhook.joblane.svc");

        String before = Files.readString(first.certFile());
        CertificateFiles.Result second = CertificateFiles.ensure(
                out, "joblane-webhook", "joblane", List.of("localhost"), Clock.offset(CLOCK, Duration.ofDays(100)));
        assertThat(second.changed()).isFalse();
        assertThat(Files.readString(second.certFile())).isEqualTo(before);
    }

    @Test
    void garbageCertificateFileIsRenewedFromTheCaOnDisk() throws Exception {
        CertificateFiles.ensure(dir, "svc", "ns", List.of(), CLOCK);
        String ca = Files.readString(dir.resolve("ca.crt"));
        Files.writeString(dir.resolve("tls.crt"), "garbage");

        CertificateFiles.Result r = CertificateFiles.ensure(dir, "svc", "ns", List.of(), CLOCK);
        assertThat(r.describe())
                .isEqualTo(
                        "renewed the serving certificate with the existing CA: malformed: tls.crt holds no PEM block");
        assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(ca);
        StoredMaterial now = CertificateFiles.read(dir);
        assertThat(CertificateInspector.keyMatches(now.certPem(), now.keyPem())).isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp")))
                    .as("no temporary files left")
                    .isEmpty();
        }
    }

    @Test
    void cliOutDirNeedsNoCluster() throws Exception {
        Cli.Run run = Cli.run(
                null,
                CLOCK,
                "create",
                "--service",
                "joblane-webhook",
                "--namespace",
                "joblane",
                "--out-dir",
                dir.toString(),
                "--extra-name",
                "localhost,127.0.0.1",
                "--key-algorithm",
                "rsa",
                "--validity",
                "720h",
                "--renew-before",
                "24h");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(dir + ": replaced CA and serving certificate: no certificate stored yet\n");
        StoredMaterial m = CertificateFiles.read(dir);
        var inspection = Inspections.of(m);
        assertThat(inspection.names()).contains("localhost", "127.0.0.1");
        assertThat(inspection.notAfter()).isEqualTo(CLOCK.instant().plus(Duration.ofDays(30)));
        assertThat(inspection.leaf().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void badDurationIsAUsageErrorNamingTheFlag() {
        Cli.Run run = Cli.run(
                null,
                CLOCK,
                "create",
                "--service",
                "s",
                "--namespace",
                "n",
                "--out-dir",
                dir.toString(),
                "--validity",
                "1y");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--validity").contains("not a duration: \"1y\"");
    }

    @Test
    void unknownKeyAlgorithmIsAUsageErrorListingTheChoices() {
        Cli.Run run = Cli.run(
                null,
                CLOCK,
                "create",
                "--service",
                "s",
                "--namespace",
                "n",
                "--out-dir",
                dir.toString(),
                "--key-algorithm",
                "dsa");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err())
                .contains("--key-algorithm")
                .contains("\"dsa\" is not one of ecdsa, rsa")
                .contains("see: joblane-certs create --help");
        assertThat(dir).isEmptyDirectory();
    }
}
