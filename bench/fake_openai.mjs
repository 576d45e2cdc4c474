// A local OpenAI-compatible upstream for bench/openai_overhead.sh: POST /v1/chat/completions streams its
// first content chunk at once, then a few more and [DONE] — no think time, so whatever a client measures
// beyond the direct call is the added cost of the path in between. Usage: node bench/fake_openai.mjs PORT
import http from "node:http";

const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1700000000, model: "bench",
    choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

http.createServer((req, res) => {
  if (req.method !== "POST" || !req.url.endsWith("/chat/completions")) { res.writeHead(404).end(); return; }
  let body = "";
  req.on("data", d => (body += d));
  req.on("end", () => {
    const stream = JSON.parse(body).stream === true;
    if (!stream) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({
        id: "chatcmpl-bench", object: "chat.completion", created: 1700000000, model: "bench",
        choices: [{ index: 0, message: { role: "assistant", content: "A briefing." }, finish_reason: "stop" }] }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk({ role: "assistant", content: "Your balance " }));
    for (const piece of ["is looking ", "healthy ", "today."]) res.write(chunk({ content: piece }));
    res.write(chunk({}, "stop"));
    res.end("data: [DONE]\n\n");
  });
}).listen(Number(process.argv[2]), "127.0.0.1");
