// What the call panel is about before a call exists: the draft open at the counter, or a
// packet of the queue (its own module, so the panel and the provider share it without a cycle).
export type CallTopic =
  { kind: 'draft'; draftId: string; itemName: string } | { kind: 'packet'; packetId: string; itemName: string };
