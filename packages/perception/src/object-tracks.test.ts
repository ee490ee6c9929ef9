import { sharedVideo } from '@longvid/core/testing';
import { extractFrames } from '@longvid/video';
import { testBinaries } from '@longvid/video/testing';
import { dominantColour } from './colour';
import type { Detection } from './object-detection';
import { createObjectDetector } from './object-detector';
import type { ObjectDetector } from './object-detector';
import { countTracks, distinctObjects, keyframeDetections, trackObjects, trackObservations } from './object-tracks';
import type { FrameDetections } from './object-tracks';
import { YOLO_LABELS, YOLO_MODEL } from './test-support/shared-models';

describe('tracks of real detections', () => {
  let detector: ObjectDetector;

  beforeAll(async () => {
    detector = await createObjectDetector({ modelPath: YOLO_MODEL, labelsPath: YOLO_LABELS, threads: 1 });
  });

  afterAll(async () => {
    await detector?.dispose();
  });

  /** Detections of keyframes (score ≥ 0.5) with the dominant colour of `region` of each box as attribute. */
  async function keyframes(name: string, start: number, end: number, fps: number, region: (detection: Detection) => Detection['box'] = (detection) => detection.box): Promise<FrameDetections[]> {
    const frames = await extractFrames(sharedVideo(name), testBinaries(), { span: { start, end }, fps, maxSide: 640 });
    const detections = await detector.doDetect(frames);
    return frames.map((frame, index) => ({
      time: frame.time,
      detections: detections[index]
        .filter((detection) => detection.score >= 0.5)
        .map((detection) => ({ ...detection, attributes: { colour: dominantColour(frame, region(detection))?.name ?? 'unknown' } })),
    }));
  }

  /** The top 15% of a bottle's box: its cap. */
  function capOf(detection: Detection): Detection['box'] {
    return { ...detection.box, height: detection.box.height * 0.15 };
  }

  it('counts three bottles while all three stand on the table (intel_bottle-detection.mp4, 0–6 s at 2 fps)', async () => {
    const frames = await keyframes('intel_bottle-detection.mp4', 0, 6, 2, capOf);
    const tracks = trackObjects(frames).filter((track) => track.label === 'bottle');
    expect(tracks).toHaveLength(3);
    for (const track of tracks) {
      // Each bottle is present the whole time, in one span, and keeps its place.
      expect(track.spans).toHaveLength(1);
      expect(track.spans[0].start).toBeCloseTo(0, 5);
      expect(track.spans[0].end).toBeCloseTo(6, 5);
      expect(track.boxes).toHaveLength(frames.length);
      expect(track.attributes).toEqual({ colour: 'blue' });
    }
    const [bottles] = countTracks(tracks);
    expect(bottles).toMatchObject({ label: 'bottle', distinct: 3, maxSimultaneous: 3 });
  });

  it('follows a hand taking a bottle away: fewer bottles at once, more spans (intel_bottle-detection.mp4, 0–20 s at 1 fps)', async () => {
    const frames = await keyframes('intel_bottle-detection.mp4', 0, 20, 1);
    const tracks = trackObjects(frames, { minDetections: 2 }).filter((track) => track.label === 'bottle');
    const count = countTracks(tracks).find((entry) => entry.label === 'bottle');
    expect(count?.maxSimultaneous).toBe(3);
    // At some keyframe fewer than three bottles are on the table (one was taken away).
    const perFrame = frames.map((frame) => tracks.filter((track) => track.boxes.some((box) => box.time === frame.time)).length);
    expect(Math.min(...perFrame)).toBeLessThan(3);
    // The right bottle stays throughout: one track spanning all 20 s.
    const right = tracks.find((track) => track.boxes[0].box.x > 400);
    expect(right?.spans).toEqual([{ start: 0, end: 20 }]);
  });

  it('makes object observations with colour, span and box', async () => {
    const input = await extractFrames(sharedVideo('dev_long.mp4'), testBinaries(), { span: { start: 0, end: 9.5 }, fps: 1, maxSide: 640 });
    const frames = keyframeDetections(input, await detector.doDetect(input), { minScore: 0.5 });
    expect(JSON.parse(JSON.stringify(frames))).toEqual(frames);
    expect(() => keyframeDetections(input, [])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    const mugFrames = frames.map((frame) => ({ ...frame, detections: frame.detections.filter((detection) => detection.label === 'cup') }));
    const [mug] = trackObjects(mugFrames);
    expect(mug.spans).toHaveLength(1);
    const observations = trackObservations([mug]);
    expect(observations).toHaveLength(1);
    expect(observations[0]).toMatchObject({ kind: 'object', tool: 'detector', text: 'blue cup', attributes: { colour: 'blue' } });
    expect(observations[0].span.start).toBeLessThan(1);
    expect(observations[0].span.end).toBeGreaterThanOrEqual(9);
    expect(observations[0].box?.width).toBeGreaterThan(50);
    expect(observations[0].confidence).toBeCloseTo(mug.meanScore, 10);
  });
});

describe('trackObjects', () => {
  const box = (x: number) => ({ x, y: 0, width: 10, height: 10 });
  const frame = (time: number, ...detections: Array<[string, number, number?]>): FrameDetections => ({
    time,
    detections: detections.map(([label, x, score]) => ({ label, score: score ?? 0.9, box: box(x) })),
  });

  it('links by IoU and label, matches the best overlap first, and starts tracks for the rest', () => {
    const tracks = trackObjects([frame(0, ['dog', 0], ['dog', 100], ['cat', 0]), frame(1, ['dog', 3], ['dog', 98], ['cat', 1]), frame(2, ['dog', 5], ['dog', 50])], { linkLoneObjects: false });
    expect(tracks.map((track) => [track.label, track.boxes.map((tracked) => tracked.box.x)])).toEqual([
      ['dog', [0, 3, 5]],
      ['dog', [100, 98]],
      ['cat', [0, 1]],
      ['dog', [50]],
    ]);
    expect(tracks.map((track) => track.id)).toEqual([0, 1, 2, 3]);
    // Spans cover each keyframe's interval (median gap 1 s): [t - 0.5, t + 0.5], clipped at 0.
    expect(tracks[0].spans).toEqual([{ start: 0, end: 2.5 }]);
    expect(tracks[3].spans).toEqual([{ start: 1.5, end: 2.5 }]);
    expect(countTracks(tracks)).toEqual([
      { label: 'cat', distinct: 1, maxSimultaneous: 1, maxSimultaneousAt: 0 },
      { label: 'dog', distinct: 3, maxSimultaneous: 2, maxSimultaneousAt: 0 },
    ]);
    expect(countTracks(tracks, { start: 2, end: 3 })).toEqual([{ label: 'dog', distinct: 2, maxSimultaneous: 2, maxSimultaneousAt: 2 }]);
  });

  it('links a lone object that moved too far for IoU, but not one of several', () => {
    const running = [frame(0, ['dog', 0]), frame(2, ['dog', 40]), frame(4, ['dog', 90], ['cat', 0])];
    expect(trackObjects(running).map((track) => [track.label, track.boxes.length])).toEqual([
      ['dog', 3],
      ['cat', 1],
    ]);
    expect(trackObjects(running, { linkLoneObjects: false }).filter((track) => track.label === 'dog')).toHaveLength(3);
    const two = [frame(0, ['dog', 0], ['dog', 100]), frame(2, ['dog', 40], ['dog', 140])];
    expect(trackObjects(two)).toHaveLength(4);
  });

  it('keeps a track over a short gap, ends it after a long one, and never across a boundary', () => {
    const frames = [frame(0, ['cup', 0]), frame(1), frame(2, ['cup', 0]), frame(3), frame(4), frame(5), frame(6, ['cup', 0]), frame(7, ['cup', 0])];
    const tracks = trackObjects(frames, { maxGapSeconds: 2 });
    expect(tracks.map((track) => track.boxes.map((tracked) => tracked.time))).toEqual([[0, 2], [6, 7]]);
    expect(tracks[0].spans).toEqual([{ start: 0, end: 2.5 }]);
    const split = trackObjects(frames, { maxGapSeconds: 2, boundaries: [6.5] });
    expect(split.map((track) => track.boxes.map((tracked) => tracked.time))).toEqual([[0, 2], [6], [7]]);
  });

  it('drops short tracks and weak detections, and takes the majority of attributes', () => {
    const frames: FrameDetections[] = [0, 1, 2].map((time) => ({
      time,
      detections: [
        { label: 'cup', score: 0.8, box: box(0), attributes: { colour: time === 1 ? 'red' : 'blue' } },
        { label: 'cup', score: 0.2, box: box(50) },
      ],
    }));
    frames.push({ time: 3, detections: [{ label: 'bowl', score: 0.9, box: box(100) }] });
    const tracks = trackObjects(frames, { minScore: 0.3, minDetections: 2 });
    expect(tracks).toHaveLength(1);
    expect(tracks[0]).toMatchObject({ id: 0, label: 'cup', attributes: { colour: 'blue' } });
    expect(tracks[0].meanScore).toBeCloseTo(0.8, 10);
    expect(trackObservations(tracks).map((observation) => observation.text)).toEqual(['blue cup']);
  });

  it('rejects bad input with BAD_INPUT', () => {
    expect(() => trackObjects([frame(Number.NaN)])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => trackObjects([], { iouThreshold: 0 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => trackObjects([], { minDetections: 0 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(trackObjects([])).toEqual([]);
  });
});

describe('distinctObjects', () => {
  const box = (x: number, width = 40, height = 80) => ({ x, y: 100, width, height });
  const frame = (time: number, ...boxes: ReturnType<typeof box>[]) => ({ time, detections: boxes.map((b) => ({ label: 'person', score: 0.8, box: b })) });

  it('re-links a track lost for a short gap (a miss or an occlusion) but not a different-sized object far away', () => {
    // One child at x≈100 is missed at 3 s and 4 s and found again at 5 s a little further on;
    // a second, much larger person appears at 12 s on the far side.
    const tracks = trackObjects([frame(0, box(100)), frame(1, box(104)), frame(2, box(108)), frame(5, box(150)), frame(6, box(154)), frame(12, box(500, 120, 220))], { frameSeconds: 1 });
    expect(tracks).toHaveLength(3);
    expect(distinctObjects(tracks)).toEqual([[tracks[0].id, tracks[1].id], [tracks[2].id]]);
  });

  it('never links tracks that overlap in time', () => {
    const tracks = trackObjects([frame(0, box(100), box(400)), frame(1, box(100), box(400))], { frameSeconds: 1 });
    expect(distinctObjects(tracks)).toHaveLength(2);
  });
});
