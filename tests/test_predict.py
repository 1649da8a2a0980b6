# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10_predict.py: image files in, classes with probabilities out."""

import glob
import io
import json
import os
import re
import shlex

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf

import cifar10
import cifar10_checkpoints
import cifar10_data
import cifar10_images
import cifar10_predict
from cifar10_prepare import UserError
from helpers import (ROOT, write_model_checkpoint, encode_png, no_file_at,
                     no_hang, queues_running, run_script,
                     write_checkpoint_of_other_width, write_constant_checkpoint,
                     write_random_checkpoint)


def _write(path, data):
  with open(str(path), 'wb') as f:
    f.write(data)
  return str(path)


def _noise_image(seed, height=32, width=32):
  rng = np.random.default_rng(seed)
  return rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


# What is classified, and with which weights.

def test_predict_uses_the_moving_averages_not_the_raw_weights(tmp_path):
  write_constant_checkpoint(str(tmp_path), 50, raw_class=5, shadow_class=3)
  png = _write(tmp_path / 'a.png', encode_png(_noise_image(0)))
  probabilities, step = cifar10_predict.predict(
      [png], cifar10_checkpoints.checkpoint_to_read(str(tmp_path)))
  assert step == 50
  assert probabilities.shape == (1, cifar10.NUM_CLASSES)
  assert probabilities.dtype == np.float32
  assert np.argmax(probabilities[0]) == 3
  assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_checkpoint_path_picks_one_checkpoint_rather_than_the_newest(
    tmp_path):
  write_constant_checkpoint(str(tmp_path), 10, 0, shadow_class=1)
  write_constant_checkpoint(str(tmp_path), 20, 0, shadow_class=2)
  older = os.path.join(str(tmp_path), 'model.ckpt-10')
  png = _write(tmp_path / 'a.png', encode_png(_noise_image(0)))
  newest = cifar10_checkpoints.checkpoint_to_read(str(tmp_path))
  assert newest.endswith('model.ckpt-20')
  assert cifar10_checkpoints.checkpoint_to_read('/nowhere', older) == older
  by_dir, _ = cifar10_predict.predict([png], newest)
  by_path, step = cifar10_predict.predict([png], older)
  assert (np.argmax(by_dir[0]), np.argmax(by_path[0]), step) == (2, 1, 10)


def test_an_image_of_any_size_is_resized_to_the_records_32x32(
    tmp_path, random_checkpoint):
  record = _noise_image(1)
  files = [
      _write(tmp_path / 'record.png', encode_png(record)),
      # Each pixel as a 2x2 block: area averaging gives the record back.
      _write(tmp_path / 'twice.png',
             encode_png(record.repeat(2, axis=0).repeat(2, axis=1))),
      _write(tmp_path / 'other.png', encode_png(_noise_image(2))),
      # Smaller than 32x32 (enlarged), grey, and with an alpha channel.
      _write(tmp_path / 'small.png', encode_png(_noise_image(3, 9, 20))),
      _write(tmp_path / 'grey.png', encode_png(_noise_image(4)[:, :, :1])),
      _write(tmp_path / 'alpha.png',
             encode_png(np.dstack([record, np.full([32, 32, 1], 128,
                                                   np.uint8)]))),
  ]
  probabilities, _ = cifar10_predict.predict(files, random_checkpoint)
  record_p, twice_p, other_p, _, _, alpha_p = probabilities
  np.testing.assert_allclose(twice_p, record_p, rtol=1e-5)
  np.testing.assert_allclose(alpha_p, record_p, rtol=1e-5)
  assert np.abs(other_p - record_p).max() > 1e-4
  np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_jpeg_gif_and_bmp_files_are_classified(tmp_path, random_checkpoint):
  image_module = pytest.importorskip('PIL.Image')
  record = _noise_image(5, 40, 48)
  files = []
  for name, fmt in (('a.jpg', 'JPEG'), ('a.gif', 'GIF'), ('a.bmp', 'BMP')):
    buffer = io.BytesIO()
    image_module.fromarray(record).save(buffer, format=fmt)
    files.append(_write(tmp_path / name, buffer.getvalue()))
  probabilities, _ = cifar10_predict.predict(files, random_checkpoint)
  assert probabilities.shape == (3, cifar10.NUM_CLASSES)
  np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


# What is printed.

def test_top_classes_are_the_likeliest_first_ties_by_lower_index():
  probabilities = np.array([0.1, 0.3, 0.05, 0.3, 0.25], np.float32)
  names = ('a', 'b', 'c', 'd', 'e')
  top = cifar10_predict.top_classes(probabilities, names, 3)
  assert [name for name, _ in top] == ['b', 'd', 'e']
  assert top[0][1] == pytest.approx(0.3)
  assert len(cifar10_predict.top_classes(probabilities, names, 99)) == 5


def test_json_output_is_one_object_a_line_with_file_and_predictions(
    tmp_path, capsys):
  write_constant_checkpoint(str(tmp_path), 5, raw_class=0, shadow_class=8)
  files = [_write(tmp_path / ('%d.png' % i), encode_png(_noise_image(i)))
           for i in range(2)]
  with flagsaver.flagsaver(checkpoint_dir=str(tmp_path), json=True, top_k=2,
                           data_dir=str(tmp_path / 'absent')):
    cifar10_predict.main(['cifar10_predict.py'] + files)
  lines = capsys.readouterr().out.splitlines()
  assert len(lines) == 2
  for path, line in zip(files, lines):
    row = json.loads(line)
    assert row['file'] == path
    assert [p['class'] for p in row['predictions']][0] == 'ship'
    assert len(row['predictions']) == 2
    assert row['predictions'][0]['probability'] > 0.99


def test_text_output_names_the_checkpoint_then_each_file_and_classes(
    tmp_path, capsys):
  write_constant_checkpoint(str(tmp_path), 5, raw_class=0, shadow_class=8)
  png = _write(tmp_path / 'a.png', encode_png(_noise_image(0)))
  with flagsaver.flagsaver(checkpoint_dir=str(tmp_path),
                           data_dir=str(tmp_path / 'absent')):
    cifar10_predict.main(['cifar10_predict.py', png])
  lines = capsys.readouterr().out.splitlines()
  assert re.match(r'Classified with the moving averages of .*model.ckpt-5 '
                  r'\(step 5\)\.$', lines[0])
  assert lines[1] == png
  top = re.match(r'^  ship +(\d\.\d\d\d)$', lines[2])
  assert float(top.group(1)) > 0.99
  assert len(lines) == 2 + 3  # --top_k=3 by default.


def test_class_names_come_from_batches_meta_txt_of_the_data(tmp_path,
                                                            capsys):
  write_constant_checkpoint(str(tmp_path), 5, raw_class=0, shadow_class=8)
  data = tmp_path / 'data' / cifar10_data.CIFAR10_FOLDER
  data.mkdir(parents=True)
  names = ['class_%d' % i for i in range(cifar10.NUM_CLASSES)]
  (data / cifar10_data.META_FILE).write_text('\n'.join(names) + '\n')
  png = _write(tmp_path / 'a.png', encode_png(_noise_image(0)))
  with flagsaver.flagsaver(checkpoint_dir=str(tmp_path), json=True,
                           top_k=1, data_dir=str(tmp_path / 'data')):
    cifar10_predict.main(['cifar10_predict.py', png])
  row = json.loads(capsys.readouterr().out)
  assert row['predictions'][0]['class'] == 'class_8'


# Bad input: a UserError naming the culprit and the fix.

def test_a_file_that_is_not_an_image_is_refused(tmp_path, random_checkpoint):
  notes = _write(tmp_path / 'notes.png', b'just some text\n')
  with pytest.raises(UserError, match=r'notes.png is not an image .*give '
                     r'PNG, JPEG, GIF or BMP files'):
    cifar10_predict.predict([notes], random_checkpoint)


def test_a_damaged_image_is_refused(tmp_path, random_checkpoint):
  png = encode_png(_noise_image(0))
  cut = _write(tmp_path / 'cut.png', png[:60])
  with pytest.raises(UserError, match=r'cut.png is damaged or not an image '
                     r'\(.*PNG.*\): give PNG'):
    cifar10_predict.predict([cut], random_checkpoint)


def test_a_missing_file_is_refused(tmp_path, random_checkpoint):
  with pytest.raises(UserError, match=r'cannot read .*missing.jpg \(No such '
                     r'file or directory\): check the path'):
    cifar10_predict.predict([str(tmp_path / 'missing.jpg')],
                            random_checkpoint)


@pytest.mark.parametrize('kind', ['missing', 'damaged'])
def test_a_bad_image_is_refused_before_the_checkpoint_is_restored(
    tmp_path, random_checkpoint, monkeypatch, kind):
  def no_restore(*args, **kwargs):
    raise AssertionError('the checkpoint was restored before the images '
                         'were checked')
  monkeypatch.setattr(cifar10_checkpoints, 'restore_checked', no_restore)
  good = _write(tmp_path / 'good.png', encode_png(_noise_image(1)))
  bad = str(tmp_path / 'bad.png')
  if kind == 'damaged':
    _write(bad, encode_png(_noise_image(2))[:60])
  with pytest.raises(UserError, match=re.escape(bad)):
    cifar10_predict.predict([good, bad], random_checkpoint)


def test_a_folder_without_checkpoint_is_refused(tmp_path):
  with pytest.raises(UserError, match=r'no checkpoint in --checkpoint_dir=%s: '
                     r'train a model first' % re.escape(str(tmp_path))):
    cifar10_checkpoints.checkpoint_to_read(str(tmp_path))


def test_a_missing_checkpoint_path_is_refused(tmp_path):
  with pytest.raises(UserError, match=r'no checkpoint at --checkpoint_path='
                     r'.*model.ckpt-9 .*without its .index or .data suffix'):
    cifar10_checkpoints.checkpoint_to_read(str(tmp_path),
                                       str(tmp_path / 'model.ckpt-9'))


def test_a_checkpoint_of_other_layer_sizes_is_refused(tmp_path):
  other = write_checkpoint_of_other_width(str(tmp_path), 100)
  png = _write(tmp_path / 'a.png', encode_png(_noise_image(0)))
  with pytest.raises(UserError, match=r'cannot use .*model.ckpt-7: it holds '
                     r'local3/biases/ExponentialMovingAverage of shape '
                     r'\[100\] where the model has \[384\]: .*Point '
                     r'--checkpoint_dir at a train_dir of this model'):
    cifar10_predict.predict([png], other)


def test_a_checkpoint_without_moving_averages_is_refused(tmp_path):
  with tf.Graph().as_default():
    cifar10.inference(tf.zeros([1, 24, 24, 3]))
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      raw = tf.compat.v1.train.Saver().save(
          sess, str(tmp_path / 'model.ckpt'))
  png = _write(tmp_path / 'a.png', encode_png(_noise_image(0)))
  with pytest.raises(UserError, match=r'it holds no conv1/biases/Exponential'
                     r'MovingAverage, so it is not a checkpoint of this '
                     r'model'):
    cifar10_predict.predict([png], raw)


def test_a_checkpoint_of_float16_weights_asks_for_use_fp16(tmp_path):
  with tf.Graph().as_default():
    with flagsaver.flagsaver(use_fp16=True):
      cifar10.inference(tf.zeros([1, 24, 24, 3], tf.float16))
    averages = tf.compat.v1.train.ExponentialMovingAverage(0.9)
    averages.apply(tf.compat.v1.trainable_variables())
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      half = tf.compat.v1.train.Saver().save(
          sess, str(tmp_path / 'model.ckpt'))
  png = _write(tmp_path / 'a.png', encode_png(_noise_image(0)))
  with pytest.raises(UserError, match=r'in float16 where the model has '
                     r'float32: give --use_fp16 the value the training had'):
    cifar10_predict.predict([png], half)


def test_no_image_argument_is_a_one_line_exit():
  with pytest.raises(SystemExit) as exit_info:
    cifar10_predict.main(['cifar10_predict.py'])
  assert re.match(r'.*: error: no image to classify: give one or more files',
                  str(exit_info.value.code))


# Test images to start from (--save_test_images).

def test_save_test_images_writes_the_first_test_records_as_named_pngs(
    small_data_dir, tmp_path):
  with flagsaver.flagsaver(data_dir=small_data_dir):
    test_file, paths = cifar10_predict.save_test_images(
        cifar10.data_set(), str(tmp_path), 4)
  assert test_file == os.path.join(small_data_dir, 'test_batch.bin')
  labels, images = cifar10_data.read_records(test_file, 4)
  assert paths == [str(tmp_path / ('test_%04d_%s.png' % (
      i, cifar10_data.CLASS_NAMES[label]))) for i, label in enumerate(labels)]
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    for path, image in zip(paths, images):
      with open(path, 'rb') as f:
        np.testing.assert_array_equal(
            sess.run(tf.io.decode_png(f.read(), channels=3)), image)


def test_save_test_images_with_image_arguments_is_a_one_line_exit(
    small_data_dir, tmp_path, monkeypatch):
  monkeypatch.setattr('sys.argv', ['cifar10-predict'])
  with flagsaver.flagsaver(data_dir=small_data_dir,
                           save_test_images=str(tmp_path / 'pngs')):
    with pytest.raises(SystemExit) as info:
      cifar10_predict.main(['cifar10-predict', 'cat.jpg'])
  assert info.value.code == (
      'cifar10-predict: error: --save_test_images writes images and '
      'classifies none: drop cat.jpg, or run cifar10-predict on it without '
      '--save_test_images')
  assert not (tmp_path / 'pngs').exists()


def _readme_section(title):
  with open(os.path.join(ROOT, 'README.md')) as f:
    text = f.read()
  start = text.index('\n## %s\n' % title)
  end = text.find('\n## ', start + 1)
  return text[start:end]


def test_the_readmes_predict_example_runs_as_written(
    small_data_dir, random_checkpoint, tmp_path, monkeypatch, capsys):
  commands = re.findall(r'^\$ (cifar10-predict .*)$',
                        _readme_section('Use your model'), re.M)
  assert len(commands) == 2
  monkeypatch.chdir(tmp_path)
  outputs = []
  for command in commands:
    argv = shlex.split(command.replace(
        '/tmp/cifar10_train', os.path.dirname(random_checkpoint)))
    argv = [argv[0]] + [found for arg in argv[1:]
                        for found in (sorted(glob.glob(arg)) or [arg])]
    # The README's --data_dir is the default; here, the small data set.
    with flagsaver.flagsaver(data_dir=small_data_dir):
      cifar10_predict.main(tf.compat.v1.flags.FLAGS(argv))
    outputs.append(capsys.readouterr().out)
  assert re.fullmatch(r'Wrote 10 images of .*test_batch\.bin into pngs: '
                      r'test_0000_\w+\.png \.\.\. test_0009_\w+\.png\n',
                      outputs[0])
  assert re.search(r'^pngs/test_0001_\w+\.png\n  \w+ +0\.\d{3}\n',
                   outputs[1], re.M)


# End to end, with a trained model.

@pytest.mark.slow
def test_predict_gives_each_test_image_the_class_evaluation_gives_it(
    trained, fake_data_root, record_pngs, predicted):
  paths, labels, _ = record_pngs
  # What cifar10_eval.py computes: the evaluation input pipeline, the
  # network with the moving averages, argmax of the logits.
  with flagsaver.flagsaver(fake_data=True, data_dir=fake_data_root,
                           batch_size=len(paths),
                           min_fraction_of_examples_in_queue=0.02):
    with tf.Graph().as_default():
      images, eval_labels = cifar10.inputs(
          eval_data=True, data=cifar10.data_set(), num_epochs=1)
      top_class = tf.argmax(cifar10.inference(images), axis=1)
      saver = tf.compat.v1.train.Saver(
          tf.compat.v1.train.ExponentialMovingAverage(
              cifar10.MOVING_AVERAGE_DECAY).variables_to_restore())
      with tf.compat.v1.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(trained[0]))
        with queues_running(sess):
          evaluated, eval_labels = sess.run([top_class, eval_labels])
  np.testing.assert_array_equal(eval_labels, labels)
  names = cifar10_data.CLASS_NAMES
  assert [row['file'] for row in predicted] == paths
  assert ([row['predictions'][0]['class'] for row in predicted] ==
          [names[i] for i in evaluated])
  # The model learned the synthetic classes: most predictions are right.
  assert np.mean(evaluated == labels) >= 0.9


@pytest.mark.slow
def test_predict_script_stops_with_one_line_for_a_file_that_is_no_image(
    tmp_path, random_checkpoint):
  good = _write(tmp_path / 'good.png', encode_png(_noise_image(0)))
  notes = _write(tmp_path / 'notes.txt', b'not an image')
  proc = run_script('cifar10_predict.py',
                    '--checkpoint_path=' + random_checkpoint, good, notes,
                    timeout=120, check=False)
  assert proc.returncode == 1
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_predict.py: error: %s is not an image (it begins with '
      "b'not an i'): give PNG, JPEG, GIF or BMP files" % notes)
  assert 'Traceback' not in proc.stderr
  assert proc.stdout == ''  # Nothing printed before every file is read.


@pytest.mark.slow
def test_plot_predictions_draws_test_images_with_their_classes(
    trained, fake_data_root, tmp_path):
  image_module = pytest.importorskip('matplotlib.image')
  figure = tmp_path / 'predictions.png'
  proc = run_script(os.path.join('cifar10', 'plot_predictions.py'),
                    '--fake_data', '--data_dir=' + fake_data_root,
                    '--checkpoint_dir=' + trained[0], '--num_images=8',
                    '--figure=%s' % figure)
  assert proc.stdout.strip() == 'wrote %s' % figure
  pixels = image_module.imread(str(figure))
  # Two rows of four images, each with its three classes below it.
  assert pixels.shape[0] > 400 and pixels.shape[1] > 600
  assert pixels[..., :3].std() > 0.1  # Not blank.


def test_a_checkpoint_of_another_class_count_names_the_flags(tmp_path):
  path = write_random_checkpoint(str(tmp_path / 'ten'))
  other = tmp_path / 'data' / 'cifar-10-batches-bin'
  other.mkdir(parents=True)
  (other / 'batches.meta.txt').write_text('apple\nkiwi\nplum\n')
  with flagsaver.flagsaver(data_dir=str(tmp_path / 'data')):
    data = cifar10.data_set()
    with pytest.raises(UserError, match=r'it was trained for 10 classes and '
                       r'the data here has 3: give the --dataset, --label and '
                       r'--data_dir it was trained with'):
      cifar10_predict.predict([_write(tmp_path / 'a.png',
                                      encode_png(_noise_image(0)))], path,
                              data.num_classes)


def test_a_checkpoint_of_nan_weights_is_refused_in_a_line(tmp_path):
  def diverge(sess, averages):
    for var in tf.compat.v1.trainable_variables():
      if var.op.name == 'conv2/weights':
        sess.run(averages.average(var).assign(tf.fill(var.shape, np.nan)))
  path = write_model_checkpoint(str(tmp_path), 9, diverge)
  with pytest.raises(UserError, match=r'its conv2/weights/ExponentialMovingA'
                     r'verage holds NaN or infinite values: training had '
                     r'diverged'):
    cifar10_predict.predict([_write(tmp_path / 'a.png',
                                    encode_png(_noise_image(0)))], path)


@pytest.mark.parametrize('kind', ['fifo', 'folder'])
def test_an_image_path_that_is_no_file_is_named_without_a_hang(
    tmp_path, random_checkpoint, kind):
  path = tmp_path / 'cat.jpg'
  named = no_file_at(path, kind)
  with no_hang():
    with pytest.raises(UserError, match=named + ': give PNG'):
      cifar10_predict.predict([str(path)], random_checkpoint)


def _jpeg_decoding_in_part():
  """A JPEG with junk before its end marker: libjpeg decodes it, warning
  'Corrupt JPEG data', and TensorFlow's decoder returns an image."""
  image_module = pytest.importorskip('PIL.Image')
  buffer = io.BytesIO()
  image_module.fromarray(_noise_image(6)).save(buffer, format='JPEG')
  whole = buffer.getvalue()
  return whole[:-2] + b'\x00' * 10 + whole[-2:]


def test_a_jpeg_that_decodes_only_in_part_is_refused(tmp_path,
                                                     random_checkpoint,
                                                     capfd):
  path = _write(tmp_path / 'broken.jpg', _jpeg_decoding_in_part())
  with pytest.raises(UserError, match=r'broken.jpg is damaged: its JPEG data '
                     r'decodes only in part \(Corrupt JPEG data'):
    cifar10_predict.predict([path], random_checkpoint)
  assert 'Corrupt JPEG data' not in capfd.readouterr().err  # Ours, not raw.


def test_libjpegs_words_on_a_damaged_jpeg_stay_on_the_one_line(tmp_path):
  path = _write(tmp_path / 'broken.jpg', _jpeg_decoding_in_part())
  with pytest.raises(UserError) as error:
    cifar10_images.decode_files([path])
  assert re.fullmatch(
      r'%s is damaged: its JPEG data decodes only in part \(Corrupt JPEG '
      r'data: \d+ extraneous bytes before marker 0xd9\): give PNG, JPEG, GIF '
      r'or BMP files that open whole' % re.escape(path), str(error.value))


def test_a_cifar10_model_read_as_cifar100_says_to_drop_the_flag(tmp_path):
  path = write_random_checkpoint(str(tmp_path / 'ten'))
  with flagsaver.flagsaver(dataset='cifar100',
                           data_dir=str(tmp_path / 'data')):
    data = cifar10.data_set()
    with pytest.raises(UserError, match=r'cannot use .*: it was trained for '
                       r'10 classes and the data here has 100: drop '
                       r'--dataset=cifar100 \(and --label\): it is a CIFAR-10 '
                       r'model$'):
      cifar10_predict.predict([_write(tmp_path / 'a.png',
                                      encode_png(_noise_image(0)))], path,
                              data.num_classes)
