# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Other data than CIFAR-10: CIFAR-100, and folders of labelled images."""

import io
import json
import os
import re

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf

import cifar10
import cifar10_data
import cifar10_flags
import cifar10_input
import cifar10_make_records
import cifar10_prepare
import cifar10_report
from cifar10_prepare import UserError
from helpers import (PRECISION_LINE, QUICK, encode_png, no_hang, publish,
                     queues_running, run_script, serve_folder, tarball)


def _hue_image(class_index, num_classes, rng, height=40, width=48):
  """A noisy image whose hue gives away its class."""
  angle = 2 * np.pi * class_index / num_classes
  hue = np.array([np.cos(angle), np.cos(angle - 2.1), np.cos(angle + 2.1)])
  pixels = (rng.uniform(80, 170) + 45 * hue +
            rng.normal(0, 20, size=(height, width, 3)))
  return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


def _image_folder(root, per_class, names=('apple', 'kiwi', 'plum'), seed=0):
  """IMAGE_DIR/<name>/<i>.png of hue-coded images; returns the folder."""
  rng = np.random.default_rng(seed)
  for c, name in enumerate(names):
    os.makedirs(os.path.join(root, name), exist_ok=True)
    for i in range(per_class):
      with open(os.path.join(root, name, '%03d.png' % i), 'wb') as f:
        f.write(encode_png(_hue_image(c, len(names), rng)))
  return root


def _records(path, label_bytes=1):
  data = np.fromfile(path, np.uint8).reshape(-1, label_bytes + 3072)
  images = data[:, label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
  return data[:, :label_bytes], images


# Folders of images: cifar10-make-records.

def test_the_split_is_stratified_and_seeded():
  paths = {'a': ['a%d' % i for i in range(10)],
           'b': ['b%d' % i for i in range(5)], 'c': ['c0', 'c1']}
  split = cifar10_make_records.split_for_test(paths, 0.2, seed=3)
  assert {k: len(v) for k, v in split['test'].items()} == {
      'a': 2, 'b': 1, 'c': 1}
  for name in paths:
    assert sorted(split['train'][name] + split['test'][name]) == sorted(
        paths[name])
  assert split == cifar10_make_records.split_for_test(paths, 0.2, seed=3)
  assert split != cifar10_make_records.split_for_test(paths, 0.2, seed=4)


def test_make_records_writes_cifar10_files_of_the_images(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=10)
  # One image exactly 32x32: its record holds its very pixels.
  exact = np.random.default_rng(1).integers(0, 256, (32, 32, 3), np.uint8)
  with open(os.path.join(image_dir, 'plum', 'exact.png'), 'wb') as f:
    f.write(encode_png(exact))
  data_dir = str(tmp_path / 'data')
  lines = []
  rows, skipped = cifar10_make_records.make_records(
      image_dir, data_dir, test_fraction=0.2, seed=0, report=lines.append)
  assert rows == [('apple', 8, 2), ('kiwi', 8, 2), ('plum', 9, 2)]
  assert skipped == 0
  assert any(line.endswith('images') for line in lines)  # Progress.
  assert sorted(os.listdir(data_dir)) == [
      'batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin']
  with open(os.path.join(data_dir, 'batches.meta.txt')) as f:
    assert f.read().split() == ['apple', 'kiwi', 'plum']
  train_labels, train_images = _records(
      os.path.join(data_dir, 'data_batch_1.bin'))
  test_labels, _ = _records(os.path.join(data_dir, 'test_batch.bin'))
  assert np.bincount(train_labels[:, 0]).tolist() == [8, 8, 9]
  assert np.bincount(test_labels[:, 0]).tolist() == [2, 2, 2]
  # Shuffled, not in class order.
  assert train_labels[:, 0].tolist() != sorted(train_labels[:, 0].tolist())
  assert any((image == exact).all() for image in train_images) or any(
      (image == exact).all()
      for image in _records(os.path.join(data_dir, 'test_batch.bin'))[1])


def test_train_and_test_folders_are_kept_as_they_are(tmp_path):
  image_dir = tmp_path / 'images'
  _image_folder(str(image_dir / 'train'), per_class=4, names=('x', 'y'))
  _image_folder(str(image_dir / 'test'), per_class=2, names=('x', 'y'))
  rows, _ = cifar10_make_records.make_records(
      str(image_dir), str(tmp_path / 'data'), test_fraction=0.5, seed=0,
      report=lambda line: None)
  assert rows == [('x', 4, 2), ('y', 4, 2)]


def test_unreadable_images_are_listed_and_skipped(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=5)
  (tmp_path / 'images' / 'kiwi' / 'notes.png').write_text('not an image')
  (tmp_path / 'images' / 'kiwi' / 'cut.png').write_bytes(
      encode_png(np.zeros([8, 8, 3], np.uint8))[:40])
  lines = []
  rows, skipped = cifar10_make_records.make_records(
      image_dir, str(tmp_path / 'data'), 0.2, 0, report=lines.append)
  assert skipped == 2
  assert sum(train + test for _, train, test in rows) == 15
  skipped_lines = [line for line in lines if line.startswith('skipped: ')]
  assert len(skipped_lines) == 2
  assert any('notes.png is not an image' in line for line in skipped_lines)
  assert any('cut.png is damaged or not an image' in line
             for line in skipped_lines)


def test_no_usable_image_is_an_error_and_nothing_is_written(tmp_path):
  for name in ('cat', 'dog'):
    (tmp_path / 'images' / name).mkdir(parents=True)
    (tmp_path / 'images' / name / 'a.jpg').write_text('text')
  with pytest.raises(UserError, match=r'no usable train image in .*images '
                     r'\(2 skipped\): add images'):
    cifar10_make_records.make_records(str(tmp_path / 'images'),
                                      str(tmp_path / 'data'), 0.2, 0,
                                      report=lambda line: None)
  assert os.listdir(str(tmp_path / 'data')) == []  # Nothing written.
  with pytest.raises(UserError, match=r'no class folder in'):
    cifar10_make_records.make_records(str(tmp_path / 'images' / 'cat'),
                                      str(tmp_path / 'data'), 0.2, 0)


@pytest.mark.parametrize('kind', ['file', 'unwritable'])
def test_a_data_dir_that_cannot_hold_records_is_refused_first(tmp_path,
                                                              kind):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=2)
  data_dir = tmp_path / 'data'
  if kind == 'file':
    data_dir.write_text('a file')
    message = r'DATA_DIR .*data is not a folder'
  else:
    data_dir = '/proc/cifar10_records'
    message = r'cannot write to DATA_DIR /proc/cifar10_records \('
  lines = []
  with pytest.raises(UserError, match=message):
    cifar10_make_records.make_records(image_dir, str(data_dir), 0.5, 0,
                                      report=lines.append)
  assert lines == []  # Refused before any image was read.


def test_existing_record_files_are_kept_unless_overwrite(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=3)
  data_dir = tmp_path / 'data'
  data_dir.mkdir()
  (data_dir / 'test_batch.bin').write_bytes(b'precious')
  with pytest.raises(UserError, match=r'already holds test_batch.bin: pass '
                     r'--overwrite'):
    cifar10_make_records.make_records(image_dir, str(data_dir), 0.3, 0,
                                      report=lambda line: None)
  assert (data_dir / 'test_batch.bin').read_bytes() == b'precious'
  cifar10_make_records.make_records(image_dir, str(data_dir), 0.3, 0,
                                    overwrite=True, report=lambda line: None)
  assert (data_dir / 'test_batch.bin').stat().st_size % 3073 == 0
  assert not [n for n in os.listdir(str(data_dir)) if n.startswith('.')]


def test_make_records_refuses_the_cifar100_format(tmp_path):
  with flagsaver.flagsaver(dataset='cifar100'):
    with pytest.raises(SystemExit) as info:
      cifar10_make_records.main(['cifar10_make_records.py', str(tmp_path),
                                 str(tmp_path / 'data')])
  assert 'writes CIFAR-10-format files: drop --dataset=cifar100' in str(
      info.value.code)
  assert not (tmp_path / 'data').exists()


def test_the_model_follows_the_classes_and_files_of_the_folder(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=6)
  data_dir = str(tmp_path / 'data')
  cifar10_make_records.make_records(image_dir, data_dir, 0.5, 0,
                                    report=lambda line: None)
  with flagsaver.flagsaver(data_dir=data_dir, batch_size=4,
                           min_fraction_of_examples_in_queue=0.5):
    data = cifar10.data_set()
    assert data == (data_dir, ('apple', 'kiwi', 'plum'), 9)
    assert cifar10_input.epoch_size(data_dir, eval_data=True) == 9
    with tf.Graph().as_default():
      images, labels = cifar10.distorted_inputs(data)
      logits = cifar10.inference(images, data.num_classes)
      assert logits.shape.as_list() == [4, 3]
      # The schedule counts epochs of this folder: 9 images in batches of
      # 4, so the rate drops about int(9 / 4 * 350) = 787 steps in (with
      # CIFAR-10's 50,000 images, 136,718).
      step = tf.compat.v1.placeholder(tf.int64, [])
      lr = cifar10.learning_rate(step, data.train_examples)
      with tf.compat.v1.Session() as sess:
        assert sess.run(lr, {step: 780}) == pytest.approx(0.1)
        assert sess.run(lr, {step: 800}) == pytest.approx(0.01)
        sess.run(tf.compat.v1.global_variables_initializer())
        with queues_running(sess):
          batch = sess.run(labels)
  assert set(batch.tolist()) <= {0, 1, 2}


# CIFAR-100.

FINE = ['fine_%d' % i for i in range(100)]
COARSE = ['coarse_%d' % i for i in range(20)]


def _cifar100_records(count, seed=0, coarse_limit=20):
  rng = np.random.default_rng(seed)
  coarse = rng.integers(0, coarse_limit, count).astype(np.uint8)
  fine = rng.integers(0, 100, count).astype(np.uint8)
  images = rng.integers(0, 256, (count, 3072)).astype(np.uint8)
  return np.concatenate([coarse[:, None], fine[:, None], images], axis=1)


def _cifar100_folder(folder, count=40, coarse_limit=20):
  os.makedirs(folder)
  records = _cifar100_records(count, coarse_limit=coarse_limit)
  for name in ('train.bin', 'test.bin'):
    records.tofile(os.path.join(folder, name))
  for name, names in (('fine_label_names.txt', FINE),
                      ('coarse_label_names.txt', COARSE)):
    with open(os.path.join(folder, name), 'w') as f:
      f.write('\n'.join(names) + '\n')
  return records


@pytest.mark.parametrize('label, index, classes', [('fine', 1, 100),
                                                   ('coarse', 0, 20)])
def test_cifar100_records_give_the_chosen_label_and_width(
    tmp_path, label, index, classes):
  records = _cifar100_folder(str(tmp_path / 'cifar-100-binary'))
  with flagsaver.flagsaver(dataset='cifar100', label=label,
                           data_dir=str(tmp_path), batch_size=40,
                           min_fraction_of_examples_in_queue=0.0):
    data = cifar10.data_set()
    assert data.folder == str(tmp_path / 'cifar-100-binary')
    assert data.num_classes == classes
    assert data.class_names[:2] == tuple(
        (FINE if label == 'fine' else COARSE)[:2])
    assert data.train_examples == 50000
    with tf.Graph().as_default():
      images, labels = cifar10.inputs(eval_data=True, data=data,
                                      num_epochs=1)
      logits = cifar10.inference(images, data.num_classes)
      assert logits.shape.as_list()[1] == classes
      with tf.compat.v1.Session() as sess:
        with queues_running(sess):
          got_images, got_labels = sess.run([images, labels])
  np.testing.assert_array_equal(got_labels, records[:, index])
  # The image bytes after both labels: the central crop, standardized.
  first = records[0, 2:].reshape(3, 32, 32).transpose(1, 2, 0)[4:28, 4:28]
  first = first.astype(np.float32)
  expected = (first - first.mean()) / max(first.std(), 1 / np.sqrt(first.size))
  np.testing.assert_allclose(got_images[0], expected, atol=1e-4)


def test_cifar100_labels_out_of_range_are_refused(tmp_path):
  _cifar100_folder(str(tmp_path / 'cifar-100-binary'), coarse_limit=30)
  with flagsaver.flagsaver(dataset='cifar100', label='coarse',
                           data_dir=str(tmp_path)):
    with pytest.raises(cifar10_prepare.DataError,
                       match=r'train.bin: record \d+ has label 2\d, outside '
                       r'0..19: .*--dataset=cifar100 --label=coarse'):
      with tf.Graph().as_default():
        cifar10.distorted_inputs(cifar10.data_set())


def test_cifar10_files_read_as_cifar100_are_refused(small_data_dir,
                                                     tmp_path):
  folder = tmp_path / 'cifar-100-binary'
  folder.mkdir()
  for src, dst in (('data_batch_1.bin', 'train.bin'),
                   ('test_batch.bin', 'test.bin')):
    os.symlink(os.path.join(small_data_dir, src), str(folder / dst))
  with flagsaver.flagsaver(dataset='cifar100', data_dir=str(tmp_path)):
    with pytest.raises(cifar10_prepare.DataError,
                       match=r'not a non-zero multiple of 3,074: .*not '
                       r'CIFAR-100 binary data \(--dataset=cifar100\)'):
      with tf.Graph().as_default():
        cifar10.inputs(eval_data=True, data=cifar10.data_set())


def test_cifar100_is_downloaded_from_its_own_url(tmp_path, capsys):
  records = _cifar100_records(10).tobytes()
  members = {'cifar-100-binary/train.bin': records,
             'cifar-100-binary/test.bin': records,
             'cifar-100-binary/fine_label_names.txt': '\n'.join(FINE).encode(),
             'cifar-100-binary/coarse_label_names.txt':
                 '\n'.join(COARSE).encode()}
  served, md5 = publish(tmp_path, tarball(members),
                         name='cifar-100-binary.tar.gz')
  data_dir = str(tmp_path / 'data')
  with serve_folder(served) as url:
    with flagsaver.flagsaver(dataset='cifar100', data_dir=data_dir,
                             data_url=url + 'cifar-100-binary.tar.gz',
                             data_md5=md5):
      cifar10.maybe_download_and_extract()
      assert cifar10.data_set().num_classes == 100
    with flagsaver.flagsaver(dataset='cifar100',
                             data_dir=str(tmp_path / 'other'),
                             data_url=url + 'cifar-100-binary.tar.gz',
                             data_md5='0' * 32):
      with pytest.raises(cifar10_prepare.DataError, match='MD5'):
        cifar10.maybe_download_and_extract()
  assert sorted(os.listdir(os.path.join(data_dir, 'cifar-100-binary'))) == [
      'coarse_label_names.txt', 'fine_label_names.txt', 'test.bin',
      'train.bin']
  assert 'cifar-100-binary.tar.gz' in capsys.readouterr().out
  assert cifar10.CIFAR100_DATA_URL.endswith('/cifar-100-binary.tar.gz')
  assert cifar10.CIFAR100_DATA_MD5 == '03b5dce01913d631647c71ecec9e9cb8'


def test_fake_data_is_cifar10_only(tmp_path):
  with flagsaver.flagsaver(dataset='cifar100', fake_data=True,
                           data_dir=str(tmp_path)):
    with pytest.raises(UserError, match='--fake_data writes CIFAR-10 files '
                       'only'):
      cifar10.data_set()


def test_a_report_of_many_classes_leaves_the_matrix_to_tensorboard():
  matrix = np.eye(100, dtype=np.int64) * 3
  report = cifar10_report.format_report(matrix, FINE)
  assert 'fine_99    1.000  (3/3)' in report
  assert report.splitlines()[-1] == (
      'confusion matrix: 100 classes, see TensorBoard (images and text tabs)')


# End to end, as a user would: images, records, train, evaluate, predict.

@pytest.mark.slow
def test_a_folder_of_images_trains_evaluates_and_predicts(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=150)
  data_dir = str(tmp_path / 'data')
  made = run_script('cifar10_make_records.py', image_dir, data_dir,
                    '--test_fraction=0.2')
  assert 'Wrote 3 classes to %s' % data_dir in made.stdout
  assert re.search(r'^kiwi +120 +30$', made.stdout, re.M)
  assert re.search(r'^all +360 +90$', made.stdout, re.M)
  train_dir = str(tmp_path / 'train')
  run_script('cifar10_train.py', '--data_dir=' + data_dir,
             '--train_dir=' + train_dir, '--max_steps=300',
             '--log_frequency=100', *QUICK)
  proc = run_script('cifar10_eval.py', '--data_dir=' + data_dir,
                    '--checkpoint_dir=' + train_dir, '--run_once',
                    '--eval_dir=%s' % (tmp_path / 'eval'))
  assert float(PRECISION_LINE.search(proc.stdout).group(1)) >= 0.90
  assert '90 images from' in proc.stdout
  assert '  kiwi ' in proc.stdout  # The per-class report names the classes.
  png = os.path.join(image_dir, 'kiwi', '007.png')
  proc = run_script('cifar10_predict.py', '--data_dir=' + data_dir,
                    '--checkpoint_dir=' + train_dir, '--json', png)
  row = json.loads(proc.stdout)
  assert row['predictions'][0]['class'] == 'kiwi'
  assert len(row['predictions']) == 3


def test_cifar100_on_a_folder_of_cifar10_format_records_is_refused(tmp_path):
  data_dir = _own_records(tmp_path)
  with flagsaver.flagsaver(dataset='cifar100', data_dir=data_dir):
    with pytest.raises(UserError, match=r'--data_dir=%s holds CIFAR-10-format '
                       r'record files .*: drop --dataset=cifar100'
                       % re.escape(data_dir)):
      cifar10.maybe_download_and_extract()


def test_label_coarse_without_cifar100_names_the_flag_to_add():
  parse = cifar10_flags.parser('cifar10-train [flags]', '', ())
  with flagsaver.flagsaver():
    with pytest.raises(SystemExit) as info:
      parse(['cifar10_train.py', '--label=coarse'])
  assert info.value.code.startswith('cifar10_train.py: error: ')
  assert 'add --dataset=cifar100, or drop --label' in info.value.code


def _own_records(tmp_path):
  images = tmp_path / 'images'
  _image_folder(str(images), per_class=4)
  data_dir = str(tmp_path / 'records')
  cifar10_make_records.make_records(str(images), data_dir, test_fraction=0.25,
                                    seed=0)
  return data_dir


def test_a_class_list_that_is_a_fifo_is_named_without_a_hang(tmp_path):
  data_dir = _own_records(tmp_path)
  meta = os.path.join(data_dir, 'batches.meta.txt')
  os.remove(meta)
  os.mkfifo(meta)
  with flagsaver.flagsaver(data_dir=data_dir), no_hang():
    with pytest.raises(UserError, match=r'batches.meta.txt is a FIFO, not a '
                       r'file: delete it'):
      cifar10.data_set()


def test_a_class_list_not_in_utf8_names_the_file(tmp_path):
  data_dir = _own_records(tmp_path)
  meta = os.path.join(data_dir, 'batches.meta.txt')
  with open(meta, 'wb') as f:
    f.write('pomme\nkiwi\npr\xfbne\n'.encode('latin-1'))
  with flagsaver.flagsaver(data_dir=data_dir):
    with pytest.raises(UserError, match=r'%s is not UTF-8 text'
                       % re.escape(meta)):
      cifar10.data_set()


def test_a_short_class_list_is_blamed_not_the_records(tmp_path):
  data_dir = _own_records(tmp_path)
  meta = os.path.join(data_dir, 'batches.meta.txt')
  with open(meta, 'w') as f:
    f.write('apple\nkiwi\n')  # The records hold three classes.
  with flagsaver.flagsaver(data_dir=data_dir):
    with pytest.raises(UserError, match=r'%s names 2 classes, but record \d+ '
                       r'of .* has label 2: list one class a line'
                       % re.escape(meta)):
      cifar10.distorted_inputs(cifar10.data_set())


def _cifar10_test_file(root, labels, names):
  """cifar-10-batches-bin/ with test_batch.bin of `labels` and a
  batches.meta.txt of `names`; returns the test file's path."""
  folder = os.path.join(str(root), 'cifar-10-batches-bin')
  os.makedirs(folder)
  path = os.path.join(folder, 'test_batch.bin')
  cifar10_data.write_records(path, labels,
                             np.zeros([len(labels), 32, 32, 3], np.uint8))
  with open(os.path.join(folder, 'batches.meta.txt'), 'w') as f:
    f.write(''.join(name + '\n' for name in names))
  return path


def test_a_short_list_in_cifar10s_folder_is_blamed_not_the_test_file(
    tmp_path):
  path = _cifar10_test_file(tmp_path, list(range(10)),
                            cifar10_data.CLASS_NAMES[:6])
  folder = os.path.dirname(path)
  with pytest.raises(UserError) as error:
    cifar10_data.check_data_files(
        [path], len(cifar10_data.read_class_names(folder)))
  assert str(error.value) == (
      '%s names 6 classes, but record 6 of %s has label 6: add the missing '
      'class names to it, one a line in label order, or delete it to use '
      'CIFAR-10\'s ten' % (os.path.join(folder, 'batches.meta.txt'), path))


def test_a_label_beyond_cifar10s_ten_is_blamed_on_the_file_not_the_list(
    tmp_path):
  path = _cifar10_test_file(tmp_path, [0, 1, 12],
                            cifar10_data.CLASS_NAMES[:6])
  with pytest.raises(UserError) as error:
    cifar10_data.check_data_files([path], 6)
  assert str(error.value) == (
      '%s: record 2 has label 12, outside 0..5: the file is corrupt, or of '
      'another data set than --dataset=cifar10; delete %s and run '
      'cifar10-train to download and extract it again'
      % (path, os.path.dirname(path)))


# Class lists that cannot be what the user meant.

def _make(image_dir, data_dir, lines=None):
  return cifar10_make_records.make_records(
      str(image_dir), str(data_dir), 0.25, 0,
      report=(lines.append if lines is not None else lambda line: None))


@pytest.mark.parametrize('setup, message', [
    (lambda d: os.mkdir(os.path.join(d, 'pear')),
     r'class folder .*pear holds no image \(.png, .jpg'),
    (lambda d: os.rename(os.path.join(d, 'plum'), os.path.join(d, 'Kiwi')),
     r'class folders Kiwi and kiwi .*differ only in case'),
    (lambda d: os.rename(os.path.join(d, 'apple'), os.path.join(d, ' apple')),
     r"class folder ' apple' .*would not read back from batches.meta.txt"),
    (lambda d: os.rename(os.path.join(d, 'apple'),
                         os.path.join(d, 'app\nle')),
     r"class folder 'app\\nle' .*rename the folder"),
    (lambda d: os.symlink(d, os.path.join(d, 'loop')),
     r'class folder .*loop is a link to .*, which holds IMAGE_DIR'),
])
def test_class_folders_that_cannot_be_meant_are_refused(tmp_path, setup,
                                                        message):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=4)
  setup(image_dir)
  with pytest.raises(UserError, match=message):
    _make(image_dir, tmp_path / 'data')
  assert not os.path.exists(str(tmp_path / 'data'))  # Refused first.


def test_a_single_class_is_refused(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=4,
                            names=('apple',))
  with pytest.raises(UserError, match=r'holds a single class, apple: a '
                     r'classifier needs two or more'):
    _make(image_dir, tmp_path / 'data')


def test_train_and_test_must_have_the_same_classes(tmp_path):
  root = tmp_path / 'images'
  _image_folder(str(root / 'train'), per_class=4, names=('apple', 'kiwi'))
  _image_folder(str(root / 'test'), per_class=2, names=('apple',))
  with pytest.raises(UserError, match=r'test/ has no folder for kiwi, which '
                     r'train/ has'):
    _make(root, tmp_path / 'data')


def test_what_a_class_folder_holds_besides_images_is_listed(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=4)
  _image_folder(os.path.join(image_dir, 'kiwi', 'more'), per_class=1,
                names=('x',))
  os.symlink(str(tmp_path / 'gone.png'),
             os.path.join(image_dir, 'plum', 'gone.png'))
  lines = []
  _, skipped = _make(image_dir, tmp_path / 'data', lines)
  assert skipped == 2
  assert any(re.search(r'skipped: .*kiwi/more \(a folder, not read', line)
             for line in lines)
  assert any(re.search(r'skipped: .*plum/gone.png is a symbolic link to '
                       r'.*gone.png, which does not exist', line)
             for line in lines)


def test_the_classes_and_their_counts_are_printed_before_writing(tmp_path):
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=4)
  lines = []
  _make(image_dir, tmp_path / 'data', lines)
  table = lines.index('class   train    test')
  assert lines[table + 1:table + 5] == [
      'apple       3       1', 'kiwi        3       1',
      'plum        3       1', 'all         9       3']
  assert lines[table + 5] == 'Writing the records into %s' % (
      tmp_path / 'data')


def test_a_jpeg_that_decodes_only_in_part_is_listed_and_skipped(tmp_path):
  image_module = pytest.importorskip('PIL.Image')
  image_dir = _image_folder(str(tmp_path / 'images'), per_class=4)
  buffer = io.BytesIO()
  image_module.fromarray(np.full([40, 40, 3], 90, np.uint8)).save(
      buffer, format='JPEG')
  whole = buffer.getvalue()
  with open(os.path.join(image_dir, 'kiwi', 'broken.jpg'), 'wb') as f:
    f.write(whole[:-2] + b'\x00' * 10 + whole[-2:])
  lines = []
  rows, skipped = _make(image_dir, tmp_path / 'data', lines)
  assert skipped == 1
  assert any(re.search(r'skipped: .*broken.jpg is damaged: its JPEG data '
                       r'decodes only in part', line) for line in lines)
  assert sum(train + test for _, train, test in rows) == 12
