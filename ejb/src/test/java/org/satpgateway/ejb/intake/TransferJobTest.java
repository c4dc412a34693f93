package org.satpgateway.ejb.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.satpgateway.core.Rejection;
import org.satpgateway.core.crypto.GatewayKeyPair;
import org.satpgateway.core.crypto.SignatureAlgorithm;
import org.satpgateway.core.session.TransferOrder;

class TransferJobTest {
    static final String VALID = """
            {"transferContextId":"ctx-1","digitalAssetId":"bond-1","assetProfileId":"bond/v1","amount":5,
             "originator":"alice","beneficiary":"bob","originatorPublicKey":"k1","beneficiaryPublicKey":"k2"}""";

    @Test
    void aValidJobBecomesAnOrderWithTheDefaultDeadline() {
        TransferJob job = ((TransferJob.Parsed.Valid) TransferJob.parse(VALID)).job();
        TransferOrder.Counterpart peer = new TransferOrder.Counterpart("gateway-two", "ledger-two", "bank-two",
                GatewayKeyPair.generate(SignatureAlgorithm.ES256, new java.security.SecureRandom()).publicJwk());
        TransferOrder order = job.toOrder("s-1", peer, 4, Duration.ofSeconds(300));
        assertEquals("ctx-1", order.transferContextId());
        assertEquals(5, order.amount());
        assertEquals(Duration.ofSeconds(300), order.deadline());
        assertEquals(4, order.maxRetries());
        assertEquals(job, ((TransferJob.Parsed.Valid) TransferJob.parse(job.toJson())).job(), "stored JSON reads back");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown field        | {\"transferContextId\":\"c\",\"colour\":\"red\"}                          | err_0.2.6 | colour",
        "not JSON             | amount=5                                                                  | err_0.2.6 | not a transfer job",
        "empty                | ''                                                                        | err_0.2.6 | not a transfer job",
        "missing fields       | {\"transferContextId\":\"c\",\"amount\":1}                                 | err_0.2.6 | digitalAssetId",
        "amount zero          | REPLACE:\"amount\":5=\"amount\":0                                           | err_1.1.13 | from 1",
        "amount not a number  | REPLACE:\"amount\":5=\"amount\":\"lots\"                                    | err_0.2.6 | not a transfer job",
        "deadline too short   | REPLACE:\"amount\":5=\"amount\":5,\"deadlineSeconds\":1                     | err_0.2.6 | deadlineSeconds",
        "blank context id     | REPLACE:\"ctx-1\"=\" \"                                                     | err_0.2.6 | transferContextId"})
    void anInvalidJobIsRefusedWithItsReason(String name, String json, String code, String mention) {
        String input = json.startsWith("REPLACE:")
                ? VALID.replace(json.substring(8, json.indexOf('=')), json.substring(json.indexOf('=') + 1))
                : json;
        assertRefused(input, code, mention);
    }

    /** No coercion, no second reading, nothing a database column or the ledger would refuse later. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "amount as a string         | \"amount\":5 | \"amount\":\"12\"                 | err_0.2.6  | not a transfer job",
        "amount with a fraction     | \"amount\":5 | \"amount\":1.9                    | err_0.2.6  | not a transfer job",
        "amount in exponent form    | \"amount\":5 | \"amount\":1e400                  | err_0.2.6  | not a transfer job",
        "amount beyond a long       | \"amount\":5 | \"amount\":18446744073709551617   | err_0.2.6  | not a transfer job",
        "amount beyond the ledger's | \"amount\":5 | \"amount\":9007199254740992       | err_1.1.13 | from 1 to 9007199254740991",
        "a number for a string      | \"bond-1\"   | 123                               | err_0.2.6  | not a transfer job",
        "a boolean for a string     | \"bond-1\"   | true                              | err_0.2.6  | not a transfer job",
        "an object for a string     | \"bond-1\"   | {\"a\":1}                          | err_0.2.6  | not a transfer job",
        "a repeated field           | \"amount\":5 | \"amount\":5,\"amount\":6            | err_0.2.6  | Duplicate field"})
    void valuesAreTakenOnlyAsTheirFieldsType(String name, String what, String with, String code, String mention) {
        assertRefused(VALID.replace(what, with), code, mention);
    }

    @org.junit.jupiter.api.Test
    void anythingAfterTheJobIsRefused() {
        assertRefused(VALID + " {}", "err_0.2.6", "not a transfer job");
        assertRefused(VALID + "x", "err_0.2.6", "not a transfer job");
    }

    @org.junit.jupiter.api.Test
    void everyFieldIsBoundedAsItsColumnIs() {
        String long201 = "a".repeat(201);
        assertRefused(VALID.replace("\"ctx-1\"", "\"" + long201 + "\""), "err_1.1.1", "transferContextId");
        assertRefused(VALID.replace("\"bond-1\"", "\"" + long201 + "\""), "err_1.1.11", "digitalAssetId");
        assertRefused(VALID.replace("\"bond/v1\"", "\"" + long201 + "\""), "err_1.1.12", "assetProfileId");
        assertRefused(VALID.replace("\"alice\"", "\"" + long201 + "@bank-one\""), "err_1.1.14", "originator");
        assertRefused(VALID.replace("\"bob\"", "\"" + long201 + "@bank-two\""), "err_1.1.15", "beneficiary");
        assertRefused(VALID.replace("\"k1\"", "\"" + "k".repeat(4001) + "\""), "err_1.1.14", "originatorPublicKey");
        assertRefused(VALID.replace("\"k2\"", "\"" + "k".repeat(4001) + "\""), "err_1.1.15", "beneficiaryPublicKey");
        assertRefused(VALID.replace("\"k2\"", "\"" + "k".repeat(TransferJob.MAX_CHARS) + "\""), "err_0.2.4", "at most");
        assertInstanceOf(TransferJob.Parsed.Valid.class,
                TransferJob.parse(VALID.replace("\"bond-1\"", "\"" + "b".repeat(200) + "\"")), "200 characters are fine");
    }

    private static void assertRefused(String input, String code, String mention) {
        TransferJob.Parsed p = TransferJob.parse(input);
        Rejection r = assertInstanceOf(TransferJob.Parsed.Invalid.class, p, input).rejection();
        assertEquals(code, r.code(), r.toString());
        assertTrue(r.detail().contains(mention), r.toString());
    }
}
