// Manual smoke: two Chromium pages join one room with raw RTCPeerConnections (no app UI)
// and print what they decode. Not part of make test; `node tests/tools/call-smoke.mjs`.
import { enrollAdminWithTotp, invitePerson, invitePersonWithTotp } from '../lib/accounts.mjs';
import { launchTrustingBrowser, request, startServer } from '../lib/harness.mjs';
import { pageOpener, openSignedIn } from '../lib/browser-session.mjs';

const srv = await startServer();
try {
  const admin = await enrollAdminWithTotp(srv);
  const therapist = await invitePersonWithTotp(srv, admin.cookie, 'therapist');
  const alice = await invitePerson(srv, therapist.cookie, 'patient', 'alice');
  const room = (await request(srv, 'POST', '/api/rooms', { cookie: therapist.cookie, body: { participant_ids: [alice.id] } })).json.room;
  const browser = await launchTrustingBrowser(srv);
  const pages = pageOpener(browser, '/tmp/exp/smoke-pages.log');
  const joinCall = (roomId) => {
    const log = (window.__log = []);
    const ws = new WebSocket(`wss://${location.host}/ws`);
    const send = (m) => ws.send(JSON.stringify(m));
    const sendPc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    const recvPc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    window.__pcs = { sendPc, recvPc };
    recvPc.ontrack = (e) => log.push(`track ${e.track.kind} ${e.streams[0]?.id}`);
    sendPc.oniceconnectionstatechange = () => log.push(`send ice ${sendPc.iceConnectionState}`);
    recvPc.oniceconnectionstatechange = () => log.push(`recv ice ${recvPc.iceConnectionState}`);
    ws.onmessage = async (ev) => {
      const m = JSON.parse(ev.data);
      log.push(`< ${m.type}${m.code ? ' ' + m.code + ' ' + m.message : ''}`);
      if (m.type === 'hello') send({ type: 'room.join', room_id: roomId });
      if (m.type === 'room.joined') {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        const sources = {};
        const a = sendPc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly', streams: [stream] });
        const v = sendPc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', streams: [stream] });
        const offer = await sendPc.createOffer();
        await sendPc.setLocalDescription(offer);
        sources[a.mid] = 'microphone';
        sources[v.mid] = 'camera';
        send({ type: 'media.publish', sdp: offer.sdp, sources });
      }
      if (m.type === 'media.publish_answer') await sendPc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
      if (m.type === 'media.offer') {
        await recvPc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        const answer = await recvPc.createAnswer();
        await recvPc.setLocalDescription(answer);
        send({ type: 'media.answer', sdp: answer.sdp });
      }
    };
  };
  const stats = async () => {
    const out = { log: window.__log };
    const r = await window.__pcs.recvPc.getStats();
    r.forEach((s) => {
      if (s.type === 'inbound-rtp') out[s.kind] = { packets: s.packetsReceived, frames: s.framesDecoded, bytes: s.bytesReceived };
    });
    const o = await window.__pcs.sendPc.getStats();
    o.forEach((s) => {
      if (s.type === 'outbound-rtp') out['out_' + s.kind] = { packets: s.packetsSent, bw: s.targetBitrate };
    });
    return out;
  };
  const p1 = await openSignedIn(pages, srv, therapist.cookie, '/account');
  const p2 = await openSignedIn(pages, srv, alice.cookie, '/account');
  await p1.page.evaluate(joinCall, room.id);
  await p2.page.evaluate(joinCall, room.id);
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    console.log(JSON.stringify(await p1.page.evaluate(stats)));
    console.log(JSON.stringify(await p2.page.evaluate(stats)));
  }
  console.log((await fetch(`${srv.metricsUrl}/metrics`).then((r) => r.text())).split('\n').filter((l) => l.startsWith('haven_sfu')).join('\n'));
  await pages.closeAll();
  await browser.close();
} finally {
  await srv.stop();
}
