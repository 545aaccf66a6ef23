// Manifest lines that AWS's own documentation produces, for the compatibility tests. Each is the
// output of a program of the Custom Labels Developer Guide run on the input that AWS documents;
// only the bucket is changed where a test needs its own. (Facts: rekognition-custom-labels.md §8.)

/**
 * md-coco-transform-example run on the COCO example of md-coco-overview: image 242287 (426 x 640)
 * with annotation bbox [19.23, 383.18, 314.5, 244.46], category 0 "echo". The transform copies
 * the floats into left/top/width/height unrounded; Python's json.dumps turns the int class-map key
 * into "0"; key order is the program's.
 */
export function cocoTransformLine(bucket = 'bucket'): string {
  return JSON.stringify({
    'source-ref': `s3://${bucket}/images/xxxxxxxxx.jpg`,
    'bounding-box': {
      annotations: [{ left: 19.23, top: 383.18, width: 314.5, height: 244.46, class_id: 0 }],
      image_size: [{ width: 426, depth: 3, height: 640 }],
    },
    'bounding-box-metadata': {
      'job-name': 'Custom Labels job name', 'class-map': { 0: 'echo' }, 'human-annotated': 'yes', objects: [{ confidence: 1 }],
      'creation-date': '2013-11-15T02:41:42', type: 'groundtruth/object-detection',
    },
  });
}

/**
 * md-gt-cl-transform run on SageMaker Ground Truth's multi-label example output (sms-data-output:
 * "image-label-attribute-name":[1,0,8], class-map {"1":"bicycle","0":"person","8":"clothing"},
 * confidence-map {"1":0.95,"0":0.77,"8":0.2}): one attribute per label, each keeping the
 * job's type "groundtruth/image-classification-multilabel".
 */
export function multilabelTransformLine(bucket = 'AWSDOC-EXAMPLE-BUCKET'): string {
  const job = 'image-label-attribute-name';
  const line: Record<string, unknown> = { 'source-ref': `s3://${bucket}/example_image.jpg` };
  const labels: [string, number][] = [['bicycle', 0.95], ['person', 0.77], ['clothing', 0.2]];
  labels.forEach(([name, confidence], index) => {
    line[`${job}${index}`] = index;
    line[`${job}${index}-metadata`] = {
      'class-name': name, confidence, type: 'groundtruth/image-classification-multilabel', 'job-name': `labeling-job/${job}`,
      'human-annotated': 'yes', 'creation-date': '2020-02-27T21:36:25.000201',
    };
  });
  return JSON.stringify(line);
}
