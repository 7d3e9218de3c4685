"""The zip container of PyTorch checkpoints: a streaming writer with 64-byte aligned records, and a checked reader.

PyTorch writes every record uncompressed ("stored") under one top directory, ``<archive>/data.pkl``,
``<archive>/data/0`` ..., and pads each local header's extra field (id ``FB``) so that record data starts at a
multiple of 64 bytes, which lets ``mmap=True`` view storages in place. ``ZipWriter`` does the same (ZIP64 records
once sizes or offsets pass 4 GiB, or past 65535 entries). ``ZipReader`` lists the archive with Python's
``zipfile`` and then reads every record itself, checking that it is stored, lies inside the file, carries the name
its central-directory entry promised and matches its CRC-32; any violation raises ``CheckpointError``.
"""
import struct
import zipfile
import zlib

from ._common import CheckpointError, read_exact

__all__ = ["ZipWriter", "ZipReader", "ZIP_MAGIC"]

ZIP_MAGIC = b"PK\x03\x04"
ZIP64_LIMIT = 0xFFFFFFFF  # sizes/offsets at or above this use ZIP64 fields (tests lower it)
ZIP64_COUNT_LIMIT = 0xFFFF
_U32_MARK = 0xFFFFFFFF  # "see the ZIP64 field" in a 32-bit field
_U16_MARK = 0xFFFF
_DOS_DATE = (1 << 5) | 1  # 1980-01-01: fixed, so the same object gives the same bytes
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")
_END64 = struct.Struct("<4sQHHIIQQQQ")
_LOCATOR64 = struct.Struct("<4sIQI")
_PAD_ID = 0x4246  # b"FB", PyTorch's padding field


class ZipWriter:
    """Write records one after another to a binary stream (no seeking: pipes and sockets work too).

    Args:
        fh: binary file object opened for writing.
        archive: the top directory name of every record.
        align: data of each record starts at a multiple of this many bytes from the start of the stream.
    """

    def __init__(self, fh, archive, align=64):
        self.fh = fh
        self.archive = archive
        self.align = align
        self.pos = 0
        self.entries = []

    def _write(self, data):
        self.fh.write(data)
        self.pos += len(data)

    def write_record(self, name, data):
        """Append record ``<archive>/<name>`` holding ``data`` (bytes-like; written without a copy)."""
        data = memoryview(data).cast("B")
        size = data.nbytes
        crc = zlib.crc32(data)
        fname = f"{self.archive}/{name}".encode()
        offset = self.pos
        zip64 = size >= ZIP64_LIMIT or offset >= ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        data_start = offset + _LOCAL.size + len(fname) + len(extra) + 4
        pad = -data_start % self.align
        extra += struct.pack("<HH", _PAD_ID, pad) + b"Z" * pad
        small = _U32_MARK if zip64 else size
        flags = 0x800 if not fname.isascii() else 0
        self._write(_LOCAL.pack(ZIP_MAGIC, 45 if zip64 else 20, flags, 0, 0, _DOS_DATE, crc, small, small,
                                len(fname), len(extra)))
        self._write(fname)
        self._write(extra)
        if size:
            self.fh.write(data)
            self.pos += size
        self.entries.append((fname, offset, size, crc, flags))

    def finish(self):
        """Write the central directory and the end records."""
        cd_start = self.pos
        any64 = False
        for fname, offset, size, crc, flags in self.entries:
            fields = []
            if size >= ZIP64_LIMIT:
                fields += [size, size]
            if offset >= ZIP64_LIMIT:
                fields.append(offset)
            extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields) if fields else b""
            any64 |= bool(fields)
            small = _U32_MARK if size >= ZIP64_LIMIT else size
            self._write(_CENTRAL.pack(b"PK\x01\x02", 45 if fields else 20, 45 if fields else 20, flags, 0, 0,
                                      _DOS_DATE, crc, small, small, len(fname), len(extra), 0, 0, 0, 0,
                                      _U32_MARK if offset >= ZIP64_LIMIT else offset))
            self._write(fname)
            self._write(extra)
        cd_size = self.pos - cd_start
        n = len(self.entries)
        big = any64 or n >= ZIP64_COUNT_LIMIT or cd_start >= ZIP64_LIMIT or cd_size >= ZIP64_LIMIT
        if big:
            end64 = self.pos
            self._write(_END64.pack(b"PK\x06\x06", _END64.size - 12, 45, 45, 0, 0, n, n, cd_size, cd_start))
            self._write(_LOCATOR64.pack(b"PK\x06\x07", 0, end64, 1))
        count = _U16_MARK if big else n
        self._write(_END.pack(b"PK\x05\x06", 0, 0, count, count, _U32_MARK if big else cd_size,
                              _U32_MARK if big else cd_start, 0))


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, struct.error, EOFError, OverflowError,
               KeyError, IndexError, NotImplementedError, UnicodeDecodeError, TypeError)


class ZipReader:
    """Random access to the records of one PyTorch archive in the seekable binary file ``fh``.

    Args:
        fh: the file, positioned anywhere (the archive must start at offset 0).
        where: the file's name for error messages.
        file_size: the file's size in bytes.
    """

    def __init__(self, fh, where, file_size):
        self.fh = fh
        self.where = where
        self.file_size = file_size
        try:
            infos = zipfile.ZipFile(fh).infolist()
        except _ZIP_ERRORS as e:
            raise self.error(f"not a readable zip archive ({type(e).__name__}: {e})") from None
        if not infos:
            raise self.error("the zip archive is empty")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise self.error(f"the zip archive lists record {dup!r:.200} more than once")
        first = names[0]
        if "/" not in first:
            raise self.error(f"record {first!r:.200} is not inside an archive directory (not a PyTorch checkpoint)")
        self.prefix = first.split("/", 1)[0] + "/"
        self.records = {i.filename[len(self.prefix):]: i for i in infos if i.filename.startswith(self.prefix)}

    def error(self, msg):
        return CheckpointError(f"rtorch.load: {self.where}: {msg}")

    def has(self, name):
        return name in self.records

    def info(self, name):
        info = self.records.get(name)
        if info is None:
            raise self.error(f"record {self.prefix}{name!s:.200} is missing from the archive")
        return info

    def span(self, name):
        """``(offset, size)`` of record ``name``'s data in the file, after checking its local header."""
        info = self.info(name)
        if info.compress_type != zipfile.ZIP_STORED:
            raise self.error(f"record {info.filename!r:.200} is compressed (method {info.compress_type}); PyTorch "
                             "archives store records uncompressed")
        if info.flag_bits & 0x1:
            raise self.error(f"record {info.filename!r:.200} is encrypted")
        if info.file_size != info.compress_size:
            raise self.error(f"record {info.filename!r:.200} claims {info.compress_size} stored bytes but "
                             f"{info.file_size} uncompressed bytes")
        if not 0 <= info.header_offset <= self.file_size - _LOCAL.size:
            raise self.error(f"record {info.filename!r:.200} starts at byte {info.header_offset}, outside the file "
                             f"of {self.file_size} bytes")
        self.fh.seek(info.header_offset)
        header = _LOCAL.unpack(read_exact(self.fh, _LOCAL.size, self.where, "a zip record header"))
        if header[0] != ZIP_MAGIC:
            raise self.error(f"record {info.filename!r:.200} has no local header at byte {info.header_offset}")
        name_len, extra_len = header[9], header[10]
        local_name = bytes(read_exact(self.fh, name_len, self.where, "a zip record name"))
        if local_name.decode("utf-8", "replace") != info.orig_filename and \
                local_name.decode("cp437") != info.orig_filename:
            raise self.error(f"record {info.filename!r:.200}: its local header names {local_name!r:.200}")
        start = info.header_offset + _LOCAL.size + name_len + extra_len
        if info.file_size > self.file_size or start + info.file_size > self.file_size:
            raise self.error(f"record {info.filename!r:.200} claims {info.file_size} bytes at byte {start}, past the "
                             f"end of the file ({self.file_size} bytes)")
        return start, info.file_size

    def read(self, name):
        """The bytes of a (small) record, CRC-checked."""
        _, size = self.span(name)
        out = bytearray(size)
        self.read_into(name, memoryview(out))
        return bytes(out)

    def read_into(self, name, out):
        """Fill the writable buffer ``out`` (exactly the record's size) with record ``name`` and check its CRC."""
        start, size = self.span(name)
        out = memoryview(out).cast("B")
        if out.nbytes != size:
            raise self.error(f"record {self.prefix}{name} holds {size} bytes, expected {out.nbytes}")
        self.fh.seek(start)
        got = 0
        while got < size:
            k = self.fh.readinto(out[got:])
            if not k:
                raise self.error(f"file truncated inside record {self.prefix}{name}")
            got += k
        crc = self.info(name).CRC
        if crc and zlib.crc32(out) != crc:
            raise self.error(f"record {self.prefix}{name} is corrupt (CRC-32 mismatch)")
