/** The explorer's starting tabs: the README's first query, a send, a live subscription and a draft preview. */
export const EXAMPLE_TABS: ReadonlyArray<{ query: string; variables?: string }> = [
  {
    query: `# The newest messages with their media. Ctrl+Enter runs the operation under the cursor.
query RecentMessages {
  messages(first: 5) {
    nodes {
      sid from to body status direction numSegments dateSent
      price { amount currency }
      media { contentType url }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  {
    query: `# Sends through the emulator (or your Twilio account). The same idempotencyKey twice sends once.
mutation Send($input: CreateMessageInput!) {
  createMessage(input: $input) {
    message { sid status numSegments }
    userErrors { field code message twilioCode }
  }
}
`,
    variables: JSON.stringify({ input: { to: '+14155550100', from: '+15005550006', body: 'Hello from GraphQL', idempotencyKey: 'explorer-1' } }, null, 2),
  },
  {
    query: `# Live over graphql-ws: status changes and inbound messages as they happen.
# Pass the last event's cursor as "after" to resume after a reconnect.
subscription Inbox {
  messageEvents {
    cursor type occurredAt
    message { sid from to status body }
  }
}
`,
  },
  {
    query: `# How a draft would be sent, without calling Twilio.
query Preview {
  messagePreview(body: "Café at 10:00 ✅") {
    encoding segments characters unicodeCharacters
    estimatedPrice { amount currency }
  }
}
`,
  },
];
