# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The input pipeline: record decoding, preprocessing, data checks."""

import os
import shutil

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf

import cifar10_data
import cifar10_dataset
import cifar10_input
import cifar10_prepare
from helpers import (copy_small, known_records, queues_running, records_labels,
                     SMALL_TRAIN_RECORDS)


def _decode_all(path, num):
  with tf.Graph().as_default():
    queue = tf.compat.v1.train.string_input_producer([path], shuffle=False,
                                                     num_epochs=1)
    record = cifar10_input.read_cifar10(queue)
    with tf.compat.v1.Session() as sess:
      with queues_running(sess):
        out = [sess.run([record.label, record.uint8image])
               for _ in range(num)]
  return out


def test_read_cifar10_decodes_label_and_every_pixel(tmp_path):
  labels, images = known_records(5)
  path = str(tmp_path / 'data_batch_1.bin')
  # Written by hand here (not with write_records) so the layout is checked
  # against the format itself: label byte, then R, G and B planes row-major.
  with open(path, 'wb') as f:
    for label, image in zip(labels, images):
      f.write(bytes([label]))
      for channel in range(3):
        f.write(image[:, :, channel].tobytes())
  assert os.path.getsize(path) == 5 * 3073

  decoded = _decode_all(path, 5)
  for (label, image), want_label, want_image in zip(decoded, labels, images):
    assert label.dtype == np.int32 and label.shape == (1,)
    assert label[0] == want_label
    assert image.dtype == np.uint8 and image.shape == (32, 32, 3)
    np.testing.assert_array_equal(image, want_image)


def test_distort_image_draws_each_image_its_own_distortions():
  image = known_records(1)[1][0]
  with tf.Graph().as_default():
    distorted = cifar10_input.distort_image(tf.constant(image))
    assert distorted.shape == (24, 24, 3) and distorted.dtype == tf.float32
    with tf.compat.v1.Session() as sess:
      outputs = [sess.run(distorted) for _ in range(20)]
  # Twenty draws of crop, flip, brightness and contrast: no two alike.
  assert len({out.tobytes() for out in outputs}) == 20
  for out in outputs:  # Each standardized: zero mean, unit spread.
    assert abs(out.mean()) < 1e-4 and abs(out.std() - 1.0) < 1e-3


@pytest.mark.parametrize('pipeline, records_per_read, deterministic', [
    ('queues', 128, False), ('queues', 1, False), ('tf_data', 128, False),
    ('queues', 128, True), ('queues', 1, True), ('tf_data', 128, True)])
def test_editing_the_distortion_chain_changes_what_training_sees(
    small_data_dir, monkeypatch, pipeline, records_per_read, deterministic):
  # A fork that blanks every image: every pipeline must follow it.
  monkeypatch.setattr(cifar10_input, 'distort_image',
                      lambda uint8image: tf.zeros([24, 24, 3]))
  with flagsaver.flagsaver(min_fraction_of_examples_in_queue=0.002,
                           num_preprocess_threads=2, input_pipeline=pipeline,
                           records_per_read=records_per_read):
    with tf.Graph().as_default():
      images, _ = cifar10_input.distorted_inputs(
          small_data_dir, 16, deterministic=deterministic)
      with tf.compat.v1.train.MonitoredSession() as sess:
        batch = sess.run(images)
  assert batch.shape == (16, 24, 24, 3) and not batch.any()


def _numpy_eval_image(image):
  crop = image[4:28, 4:28, :].astype(np.float64)
  adjusted_stddev = max(crop.std(), 1.0 / np.sqrt(crop.size))
  return (crop - crop.mean()) / adjusted_stddev


@pytest.mark.parametrize('pipeline', ['queues', 'tf_data'])
def test_eval_image_is_standardized_central_crop(tmp_path, pipeline):
  labels, images = known_records(20)
  data_dir = str(tmp_path)
  cifar10_data.write_records(os.path.join(data_dir, 'test_batch.bin'),
                              labels, images)
  with flagsaver.flagsaver(input_pipeline=pipeline), tf.Graph().as_default():
    batch_images, batch_labels = cifar10_input.inputs(
        eval_data=True, data_dir=data_dir, batch_size=8, num_epochs=1)
    assert batch_images.dtype == tf.float32
    assert batch_images.shape.as_list()[1:] == [24, 24, 3]
    got_images, got_labels = [], []
    with tf.compat.v1.Session() as sess:
      with queues_running(sess):
        try:
          while True:
            x, y = sess.run([batch_images, batch_labels])
            got_images.append(x)
            got_labels.append(y)
        except tf.errors.OutOfRangeError:
          pass
  got_images = np.concatenate(got_images)
  got_labels = np.concatenate(got_labels)
  # One pass, in file order, the final batch smaller (20 = 8 + 8 + 4).
  assert [len(y) for y in [got_labels]] == [20]
  np.testing.assert_array_equal(got_labels, labels)
  for got, image in zip(got_images, images):
    np.testing.assert_allclose(got, _numpy_eval_image(image), rtol=1e-5,
                               atol=1e-5)


@pytest.mark.parametrize('pipeline, records_per_read, deterministic', [
    ('queues', 128, False), ('queues', 1, False), ('tf_data', 128, False),
    ('queues', 128, True), ('tf_data', 128, True)])
def test_distorted_inputs_shapes_and_image_summary(
    small_data_dir, capsys, pipeline, records_per_read, deterministic):
  with flagsaver.flagsaver(min_fraction_of_examples_in_queue=0.002,
                           num_preprocess_threads=2, input_pipeline=pipeline,
                           records_per_read=records_per_read):
    with tf.Graph().as_default():
      images, labels = cifar10_input.distorted_inputs(
          small_data_dir, 16, deterministic=deterministic)
      summaries = [s for s in tf.compat.v1.get_collection(
          tf.compat.v1.GraphKeys.SUMMARIES) if s.op.type == 'ImageSummary']
      with tf.compat.v1.train.MonitoredSession() as sess:
        x, y, summary = sess.run([images, labels, summaries])
  out = capsys.readouterr().out
  if pipeline == 'queues':  # The tutorial's line, where it is true.
    assert ('Filling queue with 100 CIFAR images before starting to train. '
            'This will take a few minutes.') in out
  else:  # 100 kept, plus three batches.
    assert ('Filling the tf.data shuffle buffer with 148 images before '
            'starting to train.') in out
  assert x.shape == (16, 24, 24, 3) and x.dtype == np.float32
  assert y.shape == (16,) and y.dtype == np.int32
  assert set(y) <= set(range(10))
  # Each distorted image is standardized: zero mean, unit spread.
  np.testing.assert_allclose(x.mean(axis=(1, 2, 3)), 0.0, atol=1e-4)
  np.testing.assert_allclose(x.std(axis=(1, 2, 3)), 1.0, atol=1e-3)
  # TensorBoard's `images` tab: three images of a batch, whatever the path.
  [summary] = summary
  assert [v.tag for v in tf.compat.v1.Summary.FromString(summary).value] == [
      'images/image/0', 'images/image/1', 'images/image/2']


def test_own_records_fill_the_queue_without_the_tutorials_promise(
    small_data_dir, tmp_path, capsys):
  own = str(tmp_path / 'my_data')  # As cifar10-make-records names none.
  shutil.copytree(small_data_dir, own)
  with flagsaver.flagsaver(min_fraction_of_examples_in_queue=0.1,
                           num_preprocess_threads=2):
    with tf.Graph().as_default():
      cifar10_input.distorted_inputs(own, 16)
  out = capsys.readouterr().out
  # 10% of the records there, not of CIFAR-10's 50,000.
  records = len(cifar10_data.TRAIN_FILES) * SMALL_TRAIN_RECORDS
  assert ('Filling queue with %d images of %s before starting to train.'
          % (records // 10, own)) in out
  assert 'CIFAR' not in out and 'few minutes' not in out


def test_training_queue_holds_the_tutorial_20000_examples():
  with tf.Graph().as_default():
    # Build only the batching stage on a constant example.
    with flagsaver.flagsaver(num_preprocess_threads=16):
      cifar10_input._generate_image_and_label_batch(
          tf.zeros([24, 24, 3]), tf.zeros([1], tf.int32),
          min_queue_examples=int(50000 * 0.4), batch_size=128, shuffle=True)
    queue = [op for op in tf.compat.v1.get_default_graph().get_operations()
             if op.type == 'RandomShuffleQueueV2'][0]
    assert queue.get_attr('min_after_dequeue') == 20000
    assert queue.get_attr('capacity') == 20000 + 3 * 128
    runners = tf.compat.v1.get_collection(
        tf.compat.v1.GraphKeys.QUEUE_RUNNERS)
    assert len(runners[-1].enqueue_ops) == 16


def _batches(data_dir, seed, pipeline, count=3):
  """The first `count` deterministic training batches under `seed`."""
  with flagsaver.flagsaver(min_fraction_of_examples_in_queue=0.2,
                           num_preprocess_threads=4, input_pipeline=pipeline):
    with tf.Graph().as_default():
      tf.compat.v1.set_random_seed(seed)
      batch = cifar10_input.distorted_inputs(data_dir, 16,
                                             deterministic=True)
      with tf.compat.v1.train.MonitoredSession() as sess:
        return [sess.run(batch) for _ in range(count)]


@pytest.mark.parametrize('pipeline', ['queues', 'tf_data'])
def test_deterministic_batches_depend_on_the_seed_alone(small_data_dir,
                                                        pipeline):
  first = _batches(small_data_dir, 1, pipeline)
  again = _batches(small_data_dir, 1, pipeline)
  other = _batches(small_data_dir, 2, pipeline)
  for (images, labels), (images_again, labels_again) in zip(first, again):
    np.testing.assert_array_equal(images, images_again)
    np.testing.assert_array_equal(labels, labels_again)
  assert not np.array_equal(first[0][0], other[0][0])
  # Shuffled: the first batch is not the start of any file.
  file_starts = {tuple(records_labels(os.path.join(small_data_dir, name))[:16])
                 for name in cifar10_data.TRAIN_FILES}
  assert tuple(first[0][1]) not in file_starts
  assert not np.array_equal(first[0][0], first[1][0])


# Bad data stops with one clear line naming the file and the fix.

def test_label_out_of_range_is_named(small_data_dir, tmp_path):
  data_dir = copy_small(small_data_dir, str(tmp_path / 'd'))
  path = os.path.join(data_dir, 'test_batch.bin')
  with open(path, 'r+b') as f:
    f.seek(17 * 3073)
    f.write(bytes([10]))
  with pytest.raises(cifar10_prepare.DataError,
                     match=r'test_batch.bin: record 17 has label 10, '
                     r'outside 0..9'):
    cifar10_input.inputs(True, data_dir, 8)


@pytest.mark.parametrize('records_per_read, deterministic', [
    (128, False), (1, False), (128, True)])
def test_every_image_of_a_read_draws_its_own_distortions(
    tmp_path, records_per_read, deterministic):
  # One image, 300 times: the batch differs only by the random draws.
  image = known_records(1)[1][0]
  folder = tmp_path / 'cifar-10-batches-bin'
  folder.mkdir()
  for name in cifar10_data.TRAIN_FILES:
    cifar10_data.write_records(str(folder / name), [3] * 300, [image] * 300)
  with flagsaver.flagsaver(min_fraction_of_examples_in_queue=0.002,
                           num_preprocess_threads=2,
                           records_per_read=records_per_read):
    with tf.Graph().as_default():
      images, labels = cifar10_input.distorted_inputs(
          str(folder), 64, deterministic=deterministic)
      with tf.compat.v1.train.MonitoredSession() as sess:
        batch, labels = sess.run([images, labels])
  assert set(labels) == {3}
  assert len({x.tobytes() for x in batch}) == 64


def test_read_cifar10_reads_many_records_as_it_reads_one(tmp_path):
  labels, images = known_records(7)
  path = str(tmp_path / 'data_batch_1.bin')
  cifar10_data.write_records(path, labels, images)
  with tf.Graph().as_default():
    queue = tf.compat.v1.train.string_input_producer([path], shuffle=False)
    record = cifar10_input.read_cifar10(queue, num_records=5)
    with tf.compat.v1.Session() as sess:
      with queues_running(sess):
        # 5 records, then the 2 left in the file, then the file again.
        got = [sess.run([record.label, record.uint8image]) for _ in range(3)]
  assert [len(g[0]) for g in got] == [5, 2, 5]
  got_labels = np.concatenate([g[0] for g in got])[:7, 0]
  got_images = np.concatenate([g[1] for g in got])[:7]
  np.testing.assert_array_equal(got_labels, labels)
  np.testing.assert_array_equal(got_images, images)


def test_tf_data_decodes_each_record_as_read_cifar10_does(tmp_path):
  labels, images = known_records(7)
  path = str(tmp_path / 'data_batch_1.bin')
  cifar10_data.write_records(path, labels, images)
  with tf.Graph().as_default():
    dataset = cifar10_dataset.training_dataset(
        [path], cifar10_data.CIFAR10_FORMAT, batch_size=7, shuffle_buffer=0,
        distort=lambda uint8image: tf.cast(uint8image, tf.float32),
        num_threads=2)
    got_images, got_labels = tf.compat.v1.data.make_one_shot_iterator(
        dataset).get_next()
    with tf.compat.v1.Session() as sess:
      got_images, got_labels = sess.run([got_images, got_labels])
  np.testing.assert_array_equal(got_labels[:, 0], labels)
  np.testing.assert_array_equal(got_images, images.astype(np.float32))


def _shuffle_depths(pipeline):
  """How many images each shuffle of the training graph draws from."""
  with flagsaver.flagsaver(input_pipeline=pipeline), tf.Graph().as_default():
    with pytest.MonkeyPatch.context() as patch:
      patch.setattr(cifar10_data, 'check_data_files',
                    lambda names, num_classes=10: 50000)
      cifar10_input.distorted_inputs('/nonexistent', 128)
    depths = []
    for op in tf.compat.v1.get_default_graph().get_operations():
      if op.type == 'RandomShuffleQueueV2' and 'shuffle_batch' in op.name:
        depths.append(op.get_attr('capacity'))
      elif op.type.startswith('ShuffleDataset'):
        depths.append(int(tf.get_static_value(op.inputs[1])))
  return depths


def test_tf_data_shuffles_as_deep_as_the_training_queue():
  assert _shuffle_depths('queues') == [20000 + 3 * 128]
  # The file order (5 files, as the filename queue shuffles them), then the
  # images.
  assert _shuffle_depths('tf_data') == [5, 20000 + 3 * 128]
