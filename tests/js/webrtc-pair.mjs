// Two headless Chromium pages join one session through the server's signaling endpoint
// (WS /v1/realtime/{session_id}), open an RTCPeerConnection with a data channel over loopback host
// candidates, and exchange one message each way. Started by the .NET test with one JSON argument
// {"base": "http://127.0.0.1:<port>", "session_id", "token"}; prints one JSON line with what each page saw.
import { chromium } from 'playwright-core';

const { base, session_id: sessionId, token } = JSON.parse(process.argv[2]);
const url = `${base.replace(/^http/, 'ws')}/v1/realtime/${sessionId}?access_token=${encodeURIComponent(token)}`;

// Runs inside each page: the whole of what a browser client of the signaling protocol does.
async function peer({ url, name }) {
  const step = (what) => console.log(`${name}: ${what}`);
  const ws = new WebSocket(url);
  const inbox = [];
  const waiting = [];
  const pending = [];
  let pc;
  const deliver = () => {
    for (const w of [...waiting]) {
      const i = inbox.findIndex(w.match);
      if (i >= 0) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(inbox.splice(i, 1)[0]);
      }
    }
  };
  const next = (type) => new Promise((resolve) => { waiting.push({ match: (m) => m.type === type, resolve }); deliver(); });
  const addCandidates = async () => {
    while (pc?.remoteDescription && pending.length) await pc.addIceCandidate(pending.shift() ?? undefined);
  };
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === 'ice-candidate') {
      if (m.candidate) pending.push(m.candidate);
      addCandidates();
    } else {
      inbox.push(m);
      deliver();
    }
  };
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('signaling socket failed')); });

  ws.send(JSON.stringify({ type: 'join', name }));
  const joined = await next('joined');
  step(`joined with ${joined.participants.length} other(s)`);
  pc = new RTCPeerConnection({ iceServers: joined.ice_servers });
  let remote;
  pc.onicecandidate = (e) => ws.send(JSON.stringify({ type: 'ice-candidate', to: remote, candidate: e.candidate ? e.candidate.toJSON() : null }));

  // The first in the room offers when the second arrives; the second answers. Each side listens on
  // its channel the moment it has it: the other side may send as soon as the channel opens.
  let channel;
  let gotMessage;
  const received = new Promise((resolve) => { gotMessage = resolve; });
  const listen = (ch) => { ch.onmessage = (e) => gotMessage(e.data); return ch; };
  if (joined.participants.length === 0) {
    remote = (await next('participant-joined')).participant.id;
    channel = listen(pc.createDataChannel('chat'));
    await pc.setLocalDescription(await pc.createOffer());
    ws.send(JSON.stringify({ type: 'offer', to: remote, sdp: pc.localDescription.sdp }));
    step('offer sent');
    await pc.setRemoteDescription({ type: 'answer', sdp: (await next('answer')).sdp });
    step('answer applied');
    await addCandidates();
  } else {
    const opened = new Promise((resolve) => { pc.ondatachannel = (e) => resolve(listen(e.channel)); });
    const offer = await next('offer');
    remote = offer.from;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    await addCandidates(); // those that came before the offer was applied
    await pc.setLocalDescription(await pc.createAnswer());
    ws.send(JSON.stringify({ type: 'answer', to: remote, sdp: pc.localDescription.sdp }));
    step('answer sent');
    channel = await opened;
  }
  pc.oniceconnectionstatechange = () => step(`ice ${pc.iceConnectionState}`);
  if (channel.readyState !== 'open') await new Promise((resolve) => { channel.onopen = resolve; });
  step('channel open');
  channel.send(`hello from ${name}`);
  const message = await received;
  step('message received');

  const stats = [...(await pc.getStats()).values()];
  const transport = stats.find((s) => s.type === 'transport');
  const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
  const local = stats.find((s) => s.id === pair?.localCandidateId);
  const result = { me: joined.participant_id, remote, received: message, candidate_type: local?.candidateType, address: local?.address };
  // No pc.close() here: this side's own message may still be in flight to the other. Closing the browser ends both.
  return result;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // Root in CI needs --no-sandbox. Loopback candidates are off by default, and host addresses are
  // hidden behind mDNS names; both are turned on so two pages on one machine connect over 127.0.0.1.
  args: ['--no-sandbox', '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'],
});
const timer = setTimeout(() => { console.error('timed out'); process.exit(2); }, 45_000);
try {
  const pages = await Promise.all([browser.newPage(), browser.newPage()]);
  // What each page did, for the test's failure message if it hangs.
  pages.forEach((p) => p.on('console', (m) => console.error(m.text())));
  await Promise.all(pages.map((p) => p.goto(`${base}/health`)));
  const [a, b] = await Promise.all([
    pages[0].evaluate(peer, { url, name: 'A' }),
    pages[1].evaluate(peer, { url, name: 'B' }),
  ]);
  process.stdout.write(`${JSON.stringify({ a, b })}\n`);
} finally {
  clearTimeout(timer);
  await browser.close();
}
