package org.satpgateway.ejb.job;

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
        "amount zero          | REPLACE:\"amount\":5=\"amount\":0                                           | err_1.1.13 | positive",
        "amount not a number  | REPLACE:\"amount\":5=\"amount\":\"lots\"                                    | err_0.2.6 | not a transfer job",
        "deadline too short   | REPLACE:\"amount\":5=\"amount\":5,\"deadlineSeconds\":1                     | err_0.2.6 | deadlineSeconds",
        "blank context id     | REPLACE:\"ctx-1\"=\" \"                                                     | err_0.2.6 | transferContextId"})
    void anInvalidJobIsRefusedWithItsReason(String name, String json, String code, String mention) {
        String input = json.startsWith("REPLACE:")
                ? VALID.replace(json.substring(8, json.indexOf('=')), json.substring(json.indexOf('=') + 1))
                : json;
        TransferJob.Parsed p = TransferJob.parse(input);
        Rejection r = assertInstanceOf(TransferJob.Parsed.Invalid.class, p, name).rejection();
        assertEquals(code, r.code(), r.toString());
        assertTrue(r.detail().contains(mention), r.toString());
    }
}
