package org.satpgateway.ejb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.satpgateway.core.crypto.GatewayKeyPair;

class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void aKeyIsGeneratedOnceThenLoadedAndItsPublicHalfPublished() throws Exception {
        GatewayKeyPair first = KeyFiles.loadOrCreate(dir, "gateway");
        GatewayKeyPair again = KeyFiles.loadOrCreate(dir, "gateway");
        assertEquals(first.publicJwk(), again.publicJwk());
        assertEquals(first.publicJwk(), KeyFiles.readPublic(dir.resolve("gateway.public.jwk")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("gateway.key.json"))));
        assertFalse(Files.readString(dir.resolve("gateway.public.jwk")).contains("\"d\""), "no private part published");
    }
}
