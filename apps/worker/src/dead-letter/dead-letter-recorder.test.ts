import { describe, expect, it } from "vitest";
import { describeDeadLetter } from "./dead-letter-recorder.ts";

const data = Buffer.from('{"event_type":"message.created","data":{}}');

describe("describeDeadLetter", () => {
  it("records a message Pub/Sub moved after max delivery attempts with reason max_delivery_attempts", () => {
    const { message, reason } = describeDeadLetter({
      id: "dl-7",
      data,
      attributes: {
        event_type: "message.created",
        CloudPubSubDeadLetterSourceDeliveryCount: "10",
        CloudPubSubDeadLetterSourceSubscription: "periskope-events-worker",
        CloudPubSubDeadLetterSourceSubscriptionProject: "p",
      },
    });
    expect(message).toMatchObject({ id: "dl-7", deliveryAttempt: 10 });
    expect(reason).toEqual({ errorKind: "max_delivery_attempts", stage: "pubsub", errorMessage: "Pub/Sub dead-lettered it after 10 delivery attempts on periskope-events-worker" });
  });

  it("records a message the worker dead-lettered under its original id, with the worker's reason", () => {
    const { message, reason } = describeDeadLetter({
      id: "dl-8",
      data,
      attributes: { error_kind: "invalid_json", error_message: "body is not valid JSON", stage: "decode", original_message_id: "m-1", delivery_attempt: "2" },
    });
    expect(message).toMatchObject({ id: "m-1", deliveryAttempt: 2 });
    expect(reason).toEqual({ errorKind: "invalid_json", errorMessage: "body is not valid JSON", stage: "decode" });
  });

  it("still records a message someone published to the topic without any reason", () => {
    expect(describeDeadLetter({ id: "dl-9", data, attributes: {} }).reason).toMatchObject({ errorKind: "unknown", stage: "unknown" });
  });
});
