"""Regenerate data/speech/kws_clips.npz: short spoken-word clips for the keyword-spotting demo.

Run once, from the repository root, on a machine with Debian's espeak-ng (1.51 was used)::

    python data/speech/make_kws_clips.py

Why synthesised speech: the product may not download data at run time, and no speech data
ships with an installed package. espeak-ng is a formant synthesiser: its clips are real
waveforms with real formants, pitch and timing, but far more uniform than human speech, so the
demo's clean accuracy is higher than a human-speech benchmark would give. The variety comes from
8 English accents x 12 voice variants (96 "speakers"), speaking rate 110-220 words/min and pitch
20-80 (espeak-ng's 0-99 scale), drawn at random with a fixed seed.

Words: the 10 core commands of Google's Speech Commands (Warden 2018, arXiv:1804.03209) as
keywords, plus 12 other short words as the "unknown" (filler) class.

Storage: resampled to 8 kHz (telephone band; formants up to 4 kHz survive), leading and trailing
silence trimmed, peak-normalised, mu-law encoded to uint8 (ITU-T G.711 style, mu=255), all clips
concatenated in one array with start offsets, in one compressed .npz (~1 MB).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

OUT = Path(__file__).resolve().parent / "kws_clips.npz"
SEED = 20261130
SAMPLE_RATE_HZ = 8000
KEYWORDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
FILLERS = ["bed", "bird", "cat", "dog", "happy", "house", "tree", "wow", "nine", "learn",
           "follow", "forward"]
CLIPS_PER_KEYWORD = 28
CLIPS_PER_FILLER = 8
ACCENTS = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan",
           "en-gb-x-gbcwmd", "en-029", "en-us-nyc"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m7", "f1", "f2", "f3", "f4", "f5", "croak"]
MU = 255.0


def mu_law_encode(x: np.ndarray) -> np.ndarray:
    """float in [-1, 1] -> uint8 (mu-law companding, mu = 255)."""
    y = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    return np.clip(np.round((y + 1.0) * 127.5), 0, 255).astype(np.uint8)


def synthesise(word: str, voice: str, speed_wpm: int, pitch: int, tmp: Path) -> np.ndarray:
    wav = tmp / "clip.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed_wpm), "-p", str(pitch),
                    "-w", str(wav), word], check=True, capture_output=True)
    rate, x = wavfile.read(wav)
    x = x.astype(np.float64) / 32768.0
    x = resample_poly(x, SAMPLE_RATE_HZ, rate)  # 22050 -> 8000 Hz, polyphase anti-aliasing
    # Trim silence: keep from the first to the last 10 ms frame above 2% of the peak.
    frame = SAMPLE_RATE_HZ // 100
    energy = np.sqrt(np.convolve(x**2, np.ones(frame) / frame, mode="same"))
    loud = np.flatnonzero(energy > 0.02 * energy.max())
    x = x[max(loud[0] - frame, 0): loud[-1] + frame]
    return x / (np.abs(x).max() + 1e-9) * 0.9


def main() -> None:
    rng = np.random.default_rng(SEED)
    words = KEYWORDS + FILLERS
    plan = [w for w in KEYWORDS for _ in range(CLIPS_PER_KEYWORD)]
    plan += [w for w in FILLERS for _ in range(CLIPS_PER_FILLER)]
    speakers = [f"{a}+{v}" for a in ACCENTS for v in VARIANTS]
    chunks, offsets, word_idx, speaker_idx, speeds, pitches = [], [0], [], [], [], []
    with tempfile.TemporaryDirectory() as d:
        for word in plan:
            s = int(rng.integers(len(speakers)))
            speed = int(rng.integers(110, 221))
            pitch = int(rng.integers(20, 81))
            x = synthesise(word, speakers[s], speed, pitch, Path(d))
            chunks.append(mu_law_encode(x))
            offsets.append(offsets[-1] + len(x))
            word_idx.append(words.index(word))
            speaker_idx.append(s)
            speeds.append(speed)
            pitches.append(pitch)
    np.savez_compressed(
        OUT,
        audio_mulaw=np.concatenate(chunks),
        offsets=np.asarray(offsets, dtype=np.int64),
        word=np.asarray(word_idx, dtype=np.int16),
        speaker=np.asarray(speaker_idx, dtype=np.int16),
        speed_wpm=np.asarray(speeds, dtype=np.int16),
        pitch=np.asarray(pitches, dtype=np.int16),
        words=np.asarray(words),
        keywords=np.asarray(KEYWORDS),
        speakers=np.asarray(speakers),
        sample_rate_hz=np.int64(SAMPLE_RATE_HZ),
        source=np.asarray("synthesised with espeak-ng 1.51 by data/speech/make_kws_clips.py "
                          f"(seed {SEED})"),
        verified=np.asarray(True),
    )
    print(f"{len(plan)} clips, {sum(map(len, chunks)) / SAMPLE_RATE_HZ:.0f} s of audio, "
          f"{OUT.stat().st_size / 1e6:.2f} MB -> {OUT}")


if __name__ == "__main__":
    main()
