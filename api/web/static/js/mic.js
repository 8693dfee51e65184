// The microphone as 16 kHz mono 16-bit PCM: what the dictation socket and voice login expect.
//
//   const mic = await openMic((pcm16) => ...);   // Int16Array pieces of about 0.1 s
//   mic.stop();
//   wav(pieces) -> Blob "audio/wav"

export const RATE = 16000;

export async function openMic(onPcm) {
  // The audio graph is ready before the microphone opens: speech that arrives while the worklet loads is lost.
  const context = new AudioContext({ sampleRate: RATE });
  let media;
  try {
    await context.audioWorklet.addModule("/ui/static/js/pcm-worklet.js");
    media = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
  } catch (err) {
    context.close();
    throw err;
  }
  const source = context.createMediaStreamSource(media);
  const tap = new AudioWorkletNode(context, "pcm-tap");
  let pending = [];
  let size = 0;
  tap.port.onmessage = (event) => {
    pending.push(event.data);
    size += event.data.length;
    if (size >= RATE / 10) {
      const pcm = new Int16Array(size);
      let at = 0;
      for (const part of pending) {
        for (let i = 0; i < part.length; i++) pcm[at++] = Math.max(-1, Math.min(1, part[i])) * 0x7fff;
      }
      pending = [];
      size = 0;
      onPcm(pcm);
    }
  };
  source.connect(tap);
  return {
    stop() {
      source.disconnect();
      tap.disconnect();
      media.getTracks().forEach((t) => t.stop());
      context.close();
    },
  };
}

/** 16-bit mono WAV of PCM pieces. */
export function wav(pieces) {
  const samples = pieces.reduce((n, p) => n + p.length, 0);
  const buffer = new ArrayBuffer(44 + samples * 2);
  const view = new DataView(buffer);
  const text = (at, s) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples * 2, true);
  text(8, "WAVEfmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples * 2, true);
  let at = 44;
  for (const piece of pieces) for (const s of piece) (view.setInt16(at, s, true), (at += 2));
  return new Blob([buffer], { type: "audio/wav" });
}

/** Records until `stop()` is called, which returns the WAV; `onProgress(seconds)` as audio arrives. */
export async function record(onProgress) {
  const pieces = [];
  let samples = 0;
  const mic = await openMic((pcm) => {
    pieces.push(pcm);
    samples += pcm.length;
    onProgress?.(samples / RATE);
  });
  return {
    stop() {
      mic.stop();
      return wav(pieces);
    },
  };
}
