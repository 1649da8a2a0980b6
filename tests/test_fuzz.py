# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Random and mutated inputs for the data checks and the tarball extraction.

Whatever the bytes, the suite answers with its own one-line DataError (or
accepts well-formed data): it never hangs, never raises anything else, and
never writes outside data_dir.
"""

import hashlib
import io
import os
import pathlib
import tarfile
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st
import numpy as np

import cifar10_data
import cifar10_prepare

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
