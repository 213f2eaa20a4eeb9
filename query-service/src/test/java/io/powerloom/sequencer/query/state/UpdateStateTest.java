package io.powerloom.sequencer.query.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * The stored state does not depend on the order in which updates from several topics arrived: an epoch's summary
 * that saw its release before its first submission is stored as the same text as one that saw them the other way.
 */
class UpdateStateTest {
    @Test
    void storedTextIsTheSameWhateverOrderTheFieldsArrivedIn() {
        ObjectNode releaseFirst = RouteInput.JSON.createObjectNode();
        releaseFirst.put("market", "0xaa").put("epoch", 5);
        releaseFirst.putObject("released").put("end", 59).put("begin", 50);
        releaseFirst.put("submissions", 2).put("activeSlots", 2);
        releaseFirst.putObject("rejected").put("bad_signature", 1).put("late", 3);

        ObjectNode submissionsFirst = RouteInput.JSON.createObjectNode();
        submissionsFirst.put("market", "0xaa").put("epoch", 5);
        submissionsFirst.put("submissions", 2).put("activeSlots", 2);
        submissionsFirst.putObject("rejected").put("late", 3).put("bad_signature", 1);
        submissionsFirst.putObject("released").put("begin", 50).put("end", 59);

        assertThat(releaseFirst.toString()).isNotEqualTo(submissionsFirst.toString());
        assertThat(UpdateState.canonical(releaseFirst))
                .isEqualTo(UpdateState.canonical(submissionsFirst))
                .isEqualTo("{\"activeSlots\":2,\"epoch\":5,\"market\":\"0xaa\",\"rejected\":{\"bad_signature\":1,"
                        + "\"late\":3},\"released\":{\"begin\":50,\"end\":59},\"submissions\":2}");
    }
}
