# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10-make-records (cifar10_make_records.py): folders of images."""

import io
import json
import os
import re

from absl.testing import flagsaver
import numpy as np
import pytest

import cifar10_make_records
from cifar10_prepare import UserError
from helpers import (PRECISION_LINE, QUICK, encode_png, image_folder,
                     run_script)


def _records(path, label_bytes=1):
  data = np.fromfile(path, np.uint8).reshape(-1, label_bytes + 3072)
  images = data[:, label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
  return data[:, :label_bytes], images


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
  image_dir = image_folder(str(tmp_path / 'images'), per_class=10)
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
  image_folder(str(image_dir / 'train'), per_class=4, names=('x', 'y'))
  image_folder(str(image_dir / 'test'), per_class=2, names=('x', 'y'))
  rows, _ = cifar10_make_records.make_records(
      str(image_dir), str(tmp_path / 'data'), test_fraction=0.5, seed=0,
      report=lambda line: None)
  assert rows == [('x', 4, 2), ('y', 4, 2)]


def test_unreadable_images_are_listed_and_skipped(tmp_path):
  image_dir = image_folder(str(tmp_path / 'images'), per_class=5)
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
  image_dir = image_folder(str(tmp_path / 'images'), per_class=2)
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
  image_dir = image_folder(str(tmp_path / 'images'), per_class=3)
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
  image_dir = image_folder(str(tmp_path / 'images'), per_class=4)
  setup(image_dir)
  with pytest.raises(UserError, match=message):
    _make(image_dir, tmp_path / 'data')
  assert not os.path.exists(str(tmp_path / 'data'))  # Refused first.


def test_a_single_class_is_refused(tmp_path):
  image_dir = image_folder(str(tmp_path / 'images'), per_class=4,
                           names=('apple',))
  with pytest.raises(UserError, match=r'holds a single class, apple: a '
                     r'classifier needs two or more'):
    _make(image_dir, tmp_path / 'data')


def test_train_and_test_must_have_the_same_classes(tmp_path):
  root = tmp_path / 'images'
  image_folder(str(root / 'train'), per_class=4, names=('apple', 'kiwi'))
  image_folder(str(root / 'test'), per_class=2, names=('apple',))
  with pytest.raises(UserError, match=r'test/ has no folder for kiwi, which '
                     r'train/ has'):
    _make(root, tmp_path / 'data')


def test_what_a_class_folder_holds_besides_images_is_listed(tmp_path):
  image_dir = image_folder(str(tmp_path / 'images'), per_class=4)
  image_folder(os.path.join(image_dir, 'kiwi', 'more'), per_class=1,
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
  image_dir = image_folder(str(tmp_path / 'images'), per_class=4)
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
  image_dir = image_folder(str(tmp_path / 'images'), per_class=4)
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


# End to end, as a user would: images, records, train, evaluate, predict.

@pytest.mark.slow
def test_a_folder_of_images_trains_evaluates_and_predicts(tmp_path):
  image_dir = image_folder(str(tmp_path / 'images'), per_class=150)
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
