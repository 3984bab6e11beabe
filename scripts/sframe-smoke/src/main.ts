import { createSFrameWorker, attachSenderTransform, attachReceiverTransform, postKeys, requestStats } from '../../../web/src/e2ee/sframe/attach';

async function run(codec: string, legacy: boolean) {
  const cfg: any = legacy ? { encodedInsertableStreams: true } : {};
  const pc1 = new RTCPeerConnection(cfg), pc2 = new RTCPeerConnection(cfg);
  pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
  pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
  const w1 = createSFrameWorker(), w2 = createSFrameWorker();
  const keyMsgs: any[] = [];
  w2.addEventListener('message', (e) => keyMsgs.push(e.data));
  const saved = (globalThis as any).RTCRtpScriptTransform;
  if (legacy) (globalThis as any).RTCRtpScriptTransform = undefined;
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
  const paths: string[] = [];
  const vt = pc1.addTransceiver(stream.getVideoTracks()[0]!, { direction: 'sendonly' });
  const at = pc1.addTransceiver(stream.getAudioTracks()[0]!, { direction: 'sendonly' });
  paths.push(attachSenderTransform(vt.sender, w1, { kind: 'video', trackId: 'cam', context: 1 }));
  paths.push(attachSenderTransform(at.sender, w1, { kind: 'audio', trackId: 'mic', context: 0 }));
  const caps = RTCRtpSender.getCapabilities('video')!.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/' + codec);
  vt.setCodecPreferences(caps);
  let videoReceiver: RTCRtpReceiver | null = null;
  pc2.ontrack = (e) => {
    paths.push(attachReceiverTransform(e.receiver, w2, { kind: e.track.kind as any, trackId: 'r-' + e.track.kind }));
    if (e.track.kind === 'video') { videoReceiver = e.receiver; (document.getElementById('v') as HTMLVideoElement).srcObject = new MediaStream([e.track]); }
  };
  const baseKey = new Uint8Array(16).fill(7);
  postKeys(w1, { epoch: 1n, baseKey, leafIndex: 0, leafCount: 2 });
  await pc1.setLocalDescription();
  await pc2.setRemoteDescription(pc1.localDescription!);
  await pc2.setLocalDescription();
  await pc1.setRemoteDescription(pc2.localDescription!);
  await new Promise((r) => setTimeout(r, 1500));
  postKeys(w2, { epoch: 1n, baseKey, leafIndex: 1, leafCount: 2 }); // receiver gets keys late
  await new Promise((r) => setTimeout(r, 4000));
  const st = await pc2.getStats(videoReceiver!.track);
  let inbound: any = null;
  st.forEach((r: any) => { if (r.type === 'inbound-rtp' && r.kind === 'video') inbound = r; });
  const astats = await pc2.getStats();
  let audio: any = null;
  astats.forEach((r: any) => { if (r.type === 'inbound-rtp' && r.kind === 'audio') audio = r; });
  const s1 = await requestStats(w1), s2 = await requestStats(w2);
  if (legacy) (globalThis as any).RTCRtpScriptTransform = saved;
  pc1.close(); pc2.close(); w1.terminate(); w2.terminate();
  stream.getTracks().forEach((t) => t.stop());
  return { codec, legacy, paths, framesDecoded: inbound?.framesDecoded, width: inbound?.frameWidth, height: inbound?.frameHeight,
    keyFramesDecoded: inbound?.keyFramesDecoded, pli: inbound?.pliCount, audioSamples: audio?.totalSamplesReceived, audioConcealed: audio?.concealedSamples,
    send: s1.send, recv: s2.receive, keyFrameRequests: s2.keyFrameRequests, keyMsgs: keyMsgs.filter((m) => m.type !== 'stats').map((m) => m.type) };
}
(window as any).runSmoke = async () => {
  const out = [];
  for (const [c, l] of [['vp8', false], ['vp9', false], ['h264', false], ['vp8', true], ['h264', true]] as const) {
    try { out.push(await run(c, l)); } catch (e) { out.push({ codec: c, legacy: l, error: String(e) }); }
  }
  return JSON.parse(JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
};
