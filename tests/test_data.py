# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10_data.py: the download, the record files and their class lists."""

import hashlib
import io
import os
import pathlib
import re
import tarfile
import tempfile

from absl.testing import flagsaver
from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np
import pytest
import tensorflow as tf

import cifar10
import cifar10_data
import cifar10_flags
import cifar10_make_records
import cifar10_prepare
from cifar10_prepare import UserError
from helpers import (COARSE, copy_small, FINE, image_folder, known_records,
                     no_file_at, no_hang, publish, queues_running,
                     records_labels, serve_folder, tarball)


# The download: checked, atomic, confined to data_dir.

def _fetch(dest, url, md5):
  """What cifar10.maybe_download_and_extract() does with these flags."""
  cifar10_data.download_and_extract(dest, url, md5,
                                    cifar10_data.CIFAR10_FOLDER)


def _cifar_tarball():
  labels, images = cifar10_data.fake_examples(4, seed=0)
  records = io.BytesIO()
  for label, image in zip(labels, images):
    records.write(bytes([label]) + image.transpose(2, 0, 1).tobytes())
  members = {'cifar-10-batches-bin/%s' % name: records.getvalue()
             for name in cifar10_data.TRAIN_FILES + cifar10_data.TEST_FILES}
  members['cifar-10-batches-bin/batches.meta.txt'] = b'airplane\n'
  return tarball(members)


def test_download_shows_progress_checks_md5_and_extracts(tmp_path, capsys):
  served, md5 = publish(tmp_path, _cifar_tarball())
  dest = str(tmp_path / 'data')
  with serve_folder(served) as url:
    _fetch(dest, url + 'cifar-10-binary.tar.gz', md5)
  out = capsys.readouterr().out
  assert '>> Downloading cifar-10-binary.tar.gz 100.0%' in out
  assert sorted(os.listdir(dest)) == ['cifar-10-batches-bin',
                                      'cifar-10-binary.tar.gz']
  extracted = os.path.join(dest, 'cifar-10-batches-bin')
  assert cifar10_data.check_data_files(
      cifar10_data.data_files(extracted)) == 20


def test_corrupted_download_fails_and_leaves_nothing(tmp_path):
  good = _cifar_tarball()
  served, md5 = publish(tmp_path, good[:-100] + b'x' * 100)
  dest = str(tmp_path / 'data')
  with serve_folder(served) as url:
    with pytest.raises(cifar10_prepare.DataError,
                       match=r'has MD5 [0-9a-f]{32}, not %s' %
                       hashlib.md5(good).hexdigest()):
      _fetch(
          dest, url + 'cifar-10-binary.tar.gz', hashlib.md5(good).hexdigest())
  assert not os.path.exists(dest)


def test_member_outside_data_dir_is_refused(tmp_path):
  evil = tarball({'cifar-10-batches-bin/data_batch_1.bin': b'\0' * 3073,
                   '../x': b'gotcha'})
  served, md5 = publish(tmp_path, evil)
  dest = tmp_path / 'data'
  with serve_folder(served) as url:
    with pytest.raises(cifar10_prepare.DataError,
                       match=r"holds '../x', which would be written outside"):
      _fetch(
          str(dest), url + 'cifar-10-binary.tar.gz', md5)
  assert not (tmp_path / 'x').exists()
  assert not (dest / 'cifar-10-batches-bin').exists()


def test_existing_data_needs_no_network(small_data_dir, tmp_path, capsys):
  dest = tmp_path / 'data'
  dest.mkdir()
  os.symlink(small_data_dir, str(dest / 'cifar-10-batches-bin'))
  before = sorted(os.listdir(small_data_dir))
  # Port 9 on loopback: any connection attempt would fail loudly.
  _fetch(
      str(dest), 'http://127.0.0.1:9/cifar-10-binary.tar.gz', '0' * 32)
  # Nothing fetched, written or said: the data there is used as it is.
  assert sorted(os.listdir(str(dest))) == ['cifar-10-batches-bin']
  assert sorted(os.listdir(small_data_dir)) == before
  assert capsys.readouterr().out == ''


def test_tarball_already_downloaded_is_extracted_offline(tmp_path):
  data = _cifar_tarball()
  dest = tmp_path / 'data'
  dest.mkdir()
  (dest / 'cifar-10-binary.tar.gz').write_bytes(data)
  _fetch(
      str(dest), 'http://127.0.0.1:9/cifar-10-binary.tar.gz',
      hashlib.md5(data).hexdigest())
  assert (dest / 'cifar-10-batches-bin' / 'test_batch.bin').exists()


def test_local_tarball_as_source(tmp_path):
  data = _cifar_tarball()
  local = tmp_path / 'mirror' / 'cifar-10-binary.tar.gz'
  local.parent.mkdir()
  local.write_bytes(data)
  dest = tmp_path / 'data'
  _fetch(str(dest), str(local),
                                     hashlib.md5(data).hexdigest())
  assert (dest / 'cifar-10-batches-bin' / 'data_batch_5.bin').exists()


def test_unreachable_source_fails_with_one_clear_line(tmp_path):
  dest = tmp_path / 'data'
  with pytest.raises(cifar10_prepare.DataError,
                     match=r'could not download http://127.0.0.1:9/.*'
                     r'--data_url') as info:
    _fetch(
        str(dest), 'http://127.0.0.1:9/cifar-10-binary.tar.gz', '0' * 32)
  assert '\n' not in str(info.value)


def test_a_failed_download_leaves_no_folder_behind(tmp_path):
  dest = tmp_path / 'new' / 'data'
  with pytest.raises(cifar10_prepare.DataError):
    _fetch(
        str(dest), 'http://127.0.0.1:9/cifar-10-binary.tar.gz', '0' * 32)
  assert os.listdir(str(tmp_path)) == []


def test_a_failed_download_keeps_a_data_dir_that_was_there(tmp_path):
  dest = tmp_path / 'data'
  dest.mkdir()
  with pytest.raises(cifar10_prepare.DataError):
    _fetch(
        str(dest), 'http://127.0.0.1:9/cifar-10-binary.tar.gz', '0' * 32)
  assert os.listdir(str(dest)) == []


def test_a_local_tarball_of_another_md5_names_data_md5(tmp_path):
  data = _cifar_tarball()
  local = tmp_path / 'cifar-10-binary.tar.gz'
  local.write_bytes(data)
  found = hashlib.md5(data).hexdigest()
  with pytest.raises(cifar10_prepare.DataError) as info:
    _fetch(str(tmp_path / 'data'), str(local), '0' * 32)
  assert str(info.value) == (
      '%s has MD5 %s, not %s: it is damaged or not the expected tarball; '
      'copy it again from a trusted source, or pass --data_md5=%s if you '
      'trust this file' % (local, found, '0' * 32, found))


def test_a_tarball_in_data_dir_of_another_md5_is_named_before_a_fetch(
    tmp_path, capsys):
  data = _cifar_tarball()
  dest = tmp_path / 'data'
  dest.mkdir()
  (dest / 'cifar-10-binary.tar.gz').write_bytes(b'not the tarball')
  mirror = tmp_path / 'mirror' / 'cifar-10-binary.tar.gz'
  mirror.parent.mkdir()
  mirror.write_bytes(data)
  _fetch(str(dest), str(mirror), hashlib.md5(data).hexdigest())
  assert ('%s has MD5 %s, not %s (--data_md5 takes another): fetching a '
          'fresh copy from %s' % (dest / 'cifar-10-binary.tar.gz',
                                  hashlib.md5(b'not the tarball').hexdigest(),
                                  hashlib.md5(data).hexdigest(), mirror)
          in capsys.readouterr().out)
  assert (dest / 'cifar-10-batches-bin' / 'test_batch.bin').exists()


@pytest.mark.parametrize('kind', ['fifo', 'folder'])
def test_a_tarball_path_that_is_no_file_is_named_without_a_hang(tmp_path,
                                                               kind):
  dest = tmp_path / 'data'
  dest.mkdir()
  named = no_file_at(dest / 'cifar-10-binary.tar.gz', kind)
  with no_hang():
    with pytest.raises(cifar10_prepare.DataError,
                       match=named + ': remove it, and run again'):
      _fetch(str(dest), 'http://127.0.0.1:9/cifar-10-binary.tar.gz',
             '0' * 32)


# CIFAR-100.

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


# Class lists and labels: batches.meta.txt, of your own records (as
# cifar10-make-records writes them) or in CIFAR-10's folder.

def _own_records(tmp_path):
  images = tmp_path / 'images'
  image_folder(str(images), per_class=4)
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


# Random and mutated inputs for the data checks and the tarball extraction.
# Whatever the bytes, the suite answers with its own one-line DataError (or
# accepts well-formed data): it never hangs, never raises anything else, and
# never writes outside data_dir.

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# Record files: random sizes around whole records, random bytes.
record_files = st.builds(
    lambda records, extra, seed: (records, extra, seed),
    st.integers(0, 4), st.sampled_from([0, 0, 1, -1, 1000, 3072]),
    st.integers(0, 2**32 - 1))


@SETTINGS
@given(files=st.lists(record_files, min_size=1, max_size=3))
def test_check_data_files_accepts_exactly_the_well_formed(tmp_path, files):
  paths, well_formed, total = [], True, 0
  for i, (records, extra, seed) in enumerate(files):
    size = max(0, records * cifar10_data.RECORD_BYTES + extra)
    data = np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8)
    if seed % 2:  # Half the files get valid labels.
      data[::cifar10_data.RECORD_BYTES] %= 10
    path = os.path.join(tempfile.mkdtemp(dir=str(tmp_path)), 'f%d.bin' % i)
    data.tofile(path)
    paths.append(path)
    labels = data[::cifar10_data.RECORD_BYTES]
    if size == 0 or size % cifar10_data.RECORD_BYTES or (labels > 9).any():
      well_formed = False
    total += size // cifar10_data.RECORD_BYTES
  try:
    assert cifar10_data.check_data_files(paths) == total
    assert well_formed
  except cifar10_prepare.DataError as e:
    assert not well_formed
    assert '\n' not in str(e)


def _tarball(members):
  buf = io.BytesIO()
  with tarfile.open(fileobj=buf, mode='w:gz') as tar:
    for name, kind, data in members:
      info = tarfile.TarInfo(name)
      if kind == 'file':
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
      elif kind == 'dir':
        info.type = tarfile.DIRTYPE
        tar.addfile(info)
      else:  # A link, pointing anywhere.
        info.type = tarfile.SYMTYPE if kind == 'symlink' else tarfile.LNKTYPE
        info.linkname = data.decode('latin-1') or '/etc/passwd'
        tar.addfile(info)
  return buf.getvalue()


names = st.lists(st.sampled_from(
    ['cifar-10-batches-bin', '..', '.', 'x', '/', '/tmp', 'a b', 'data.bin',
     '~', 'ä']), min_size=1, max_size=4).map('/'.join)
members = st.lists(st.tuples(names,
                             st.sampled_from(['file', 'dir', 'symlink',
                                              'hardlink']),
                             st.binary(max_size=64)), min_size=1, max_size=4)


def _snapshot(root):
  found = set()
  for folder, dirs, files in os.walk(root):
    for name in dirs + files:
      found.add(os.path.relpath(os.path.join(folder, name), root))
  return found


@SETTINGS
@given(entries=members, cut=st.integers(0, 400), flip=st.integers(0, 400))
def test_extraction_refuses_what_it_must_and_stays_inside(tmp_path, entries,
                                                          cut, flip):
  data = bytearray(_tarball(entries))
  if flip < len(data) and flip % 3 == 0:
    data[flip] ^= 0xFF  # Mutated bytes.
  if cut % 4 == 0:
    data = data[:len(data) * cut // 400]  # Truncated.
  root = pathlib.Path(tempfile.mkdtemp(dir=str(tmp_path)))
  dest = root / 'data'
  dest.mkdir(parents=True)
  source = root / 'cifar-10-binary.tar.gz'
  source.write_bytes(bytes(data))
  before = _snapshot(str(root))
  try:
    cifar10_data.download_and_extract(
        str(dest), str(source), hashlib.md5(bytes(data)).hexdigest(),
        'cifar-10-batches-bin')
  except cifar10_prepare.DataError as e:
    assert '\n' not in str(e)
  # Nothing new outside data_dir, and no link inside it.
  after = _snapshot(str(root))
  assert {p for p in after - before if not p.startswith('data')} == set()
  for folder, dirs, files in os.walk(str(dest)):
    for name in dirs + files:
      assert not os.path.islink(os.path.join(folder, name))


def test_write_records_matches_the_binary_format(tmp_path):
  labels, images = known_records(3)
  path = str(tmp_path / 'x.bin')
  cifar10_data.write_records(path, labels, images)
  raw = np.fromfile(path, dtype=np.uint8).reshape(3, 3073)
  np.testing.assert_array_equal(raw[:, 0], labels)
  np.testing.assert_array_equal(raw[1, 1:1025], images[1, :, :, 0].ravel())
  np.testing.assert_array_equal(raw[1, 2049:], images[1, :, :, 2].ravel())


def test_fake_data_is_deterministic_and_in_its_own_folder(tmp_path):
  a = cifar10_data.write_fake_data(str(tmp_path / 'a'), seed=3,
                                    train_records_per_file=40,
                                    test_records=50)
  b = cifar10_data.write_fake_data(str(tmp_path / 'b'), seed=3,
                                    train_records_per_file=40,
                                    test_records=50)
  for name in cifar10_data.TRAIN_FILES + cifar10_data.TEST_FILES:
    with open(os.path.join(a, name), 'rb') as fa, \
        open(os.path.join(b, name), 'rb') as fb:
      assert fa.read() == fb.read()
  assert os.path.getsize(os.path.join(a, 'data_batch_1.bin')) == 40 * 3073
  assert os.path.getsize(os.path.join(a, 'test_batch.bin')) == 50 * 3073
  assert cifar10_data.check_data_files(
      cifar10_data.data_files(a, eval_data=True)) == 50
  assert cifar10_data.read_class_names(a)[9] == 'truck'
  # The training and test files are different draws.
  train = records_labels(os.path.join(a, 'data_batch_1.bin'))
  test = records_labels(os.path.join(a, 'test_batch.bin'))
  assert not np.array_equal(train, test[:40])


def test_missing_file_is_named(small_data_dir, tmp_path):
  data_dir = copy_small(small_data_dir, str(tmp_path / 'd'))
  os.remove(os.path.join(data_dir, 'data_batch_3.bin'))
  with pytest.raises(cifar10_prepare.DataError,
                     match=r'data_batch_3.bin is missing from .*download'):
    cifar10_data.check_data_files(cifar10_data.data_files(data_dir))


def test_empty_data_dir_is_named(tmp_path):
  missing = str(tmp_path / 'cifar-10-batches-bin')
  with pytest.raises(cifar10_prepare.DataError,
                     match=r'no CIFAR-10 data in .*cifar-10-batches-bin'):
    cifar10_data.check_data_files(cifar10_data.data_files(missing))


def test_truncated_file_is_named(small_data_dir, tmp_path):
  data_dir = copy_small(small_data_dir, str(tmp_path / 'd'))
  path = os.path.join(data_dir, 'data_batch_2.bin')
  with open(path, 'r+b') as f:
    f.truncate(os.path.getsize(path) - 1000)
  with pytest.raises(cifar10_prepare.DataError,
                     match=r'data_batch_2.bin is 920,900 bytes, not a '
                     r'non-zero multiple of 3,073'):
    cifar10_data.check_data_files(cifar10_data.data_files(data_dir))
