# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The download: checked, atomic, confined to data_dir."""

import hashlib
import io
import os

from absl.testing import flagsaver
import pytest

import cifar10_data
import cifar10_prepare
import cifar10_train
from helpers import no_file_at, no_hang, publish, serve_folder, tarball


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


def test_a_trainer_whose_download_fails_leaves_no_folder_behind(
    tmp_path, monkeypatch):
  monkeypatch.setattr('sys.argv', ['cifar10-train'])
  monkeypatch.setattr(cifar10_prepare, 'FOLDERS_MADE', [])
  with flagsaver.flagsaver(
      train_dir=str(tmp_path / 'run' / 'train'),
      data_dir=str(tmp_path / 'run' / 'data'),
      data_url='http://127.0.0.1:9/cifar-10-binary.tar.gz'):
    with pytest.raises(SystemExit) as info:
      cifar10_train.main()
  assert info.value.code.startswith('cifar10-train: error: could not '
                                    'download')
  assert os.listdir(str(tmp_path)) == []


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
