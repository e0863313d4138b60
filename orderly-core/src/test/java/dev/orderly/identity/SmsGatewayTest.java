package dev.orderly.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmsGatewayTest {

    @Test
    void aGatewayWithoutABulkCallSendsEachTextAndAnswersEachOutcomeInOrder() {
        List<String> sent = new ArrayList<>();
        SmsGateway oneByOne = (phone, text) -> {
            if (phone.endsWith("0000")) {
                throw new SmsGateway.SmsDeliveryException("no such number", null);
            }
            sent.add(phone + ":" + text);
        };

        List<Optional<RuntimeException>> outcomes = oneByOne.sendAll(List.of(new SmsGateway.Sms("01011112222", "a"),
                new SmsGateway.Sms("01099990000", "b"), new SmsGateway.Sms("01033334444", "c")));

        assertThat(outcomes).hasSize(3);
        assertThat(outcomes.get(0)).isEmpty();
        assertThat(outcomes.get(1)).get().extracting(Throwable::getMessage).isEqualTo("no such number");
        assertThat(outcomes.get(2)).isEmpty();
        assertThat(sent).containsExactly("01011112222:a", "01033334444:c");
    }

    @Test
    void aTextShowsNeitherItsNumberNorItsWordsInALog() {
        assertThat(new SmsGateway.Sms("01012345678", "인증번호 123456")).asString().doesNotContain("12345678").doesNotContain("123456");
    }
}
