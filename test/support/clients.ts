/**
 * Sends `requests` through `clients` concurrent clients, each sending its next request once
 * answered, so that a server can never get further ahead of them than `clients` requests, however
 * loaded the machine. `onAnswer` sees each answer as it arrives (a fault test breaks the server
 * there). The answers, in the order of `requests`.
 */
export async function sendThroughClients<R, A>(
  clients: number,
  requests: readonly R[],
  send: (request: R) => Promise<A>,
  onAnswer: (answer: A) => void = () => undefined,
): Promise<A[]> {
  const answers: A[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests.length) {
        const i = next++;
        answers[i] = await send(requests[i]);
        onAnswer(answers[i]);
      }
    }),
  );
  return answers;
}
