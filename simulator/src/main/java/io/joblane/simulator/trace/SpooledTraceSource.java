package io.joblane.simulator.trace;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trace file read once as text and then from a compact binary copy. Every policy's run reads the whole trace
 * (static sizing several times), and a gzipped SWF costs its inflation and text parsing at each read (RICC's 448,000
 * rows: 0.14-0.4 s, thirteen times or more in a default run). The copy holds exactly the rows the first complete read
 * yielded, with its bad-line and skipped-row counts. Until a read completes, or when the copy cannot be written, reads
 * go to the file as before. The heap does not grow with the trace: the rows are written to a temporary file as they
 * are read (its table of repeated strings is bounded), and the complete file is mapped into memory outside the heap
 * and its name removed (so a JVM killed outright after that leaves nothing behind; where a mapped file cannot be
 * removed, it goes when the JVM exits). Thread-safe: each read decodes its own view of the mapping, which no
 * interrupt closes.
 */
public final class SpooledTraceSource implements TraceSource {
    private static final int ROW = 1;
    private static final int END = 0;
    /** Strings kept in the table (families, groups, zones repeat); others are written whole. */
    static final int MAX_TABLE = 1 << 16;
    /** A copy larger than one mapping can hold is given up: the file serves every read. */
    private static final long MAX_COPY = Integer.MAX_VALUE;

    private static final int NULL_STRING = 0;
    private static final int INLINE_STRING = 1;
    private static final int NEW_STRING = 2;
    private static final int FIRST_INDEX = 3;

    private final TraceSource file;
    private final Path dir;
    /** The complete copy, once a read finished writing it (read-only, position 0). */
    private ByteBuffer copy;
    /** A read is writing the copy: the others go to the file meanwhile. */
    private boolean writing;
    /** Writing failed once (disk, an unwritable directory, a string too long): the file is read every time after. */
    private boolean failed;

    /** Copies into {@code dir}, or the JVM's temporary directory when null. */
    public SpooledTraceSource(TraceSource file, Path dir) {
        this.file = file;
        this.dir = dir;
    }

    public SpooledTraceSource(TraceSource file) {
        this(file, null);
    }

    @Override
    public TraceReader open() throws IOException, TraceFormatException {
        ByteBuffer complete;
        boolean write;
        synchronized (this) {
            complete = copy;
            write = complete == null && !writing && !failed;
            writing |= write;
        }
        if (complete != null) {
            return new CopyReader(complete);
        }
        TraceReader rows;
        try {
            rows = file.open();
        } catch (IOException | TraceFormatException | RuntimeException e) {
            if (write) {
                writingEnded(null, false);
            }
            throw e;
        }
        return write ? new WritingReader(rows) : rows;
    }

    @Override
    public String describe() {
        return file.describe();
    }

    /** Whether a complete copy serves the reads (tests). */
    synchronized boolean copied() {
        return copy != null;
    }

    /**
     * The writing read ended: with the complete copy, or without (null); a read that stopped early lets the next one
     * write it, a write that failed leaves every later read to the file.
     */
    private synchronized void writingEnded(ByteBuffer complete, boolean writeFailed) {
        writing = false;
        copy = complete;
        failed |= writeFailed;
    }

    /** The file's rows handed on as read, each also written to the copy; the copy is published at the last row. */
    private final class WritingReader extends ForwardingTraceReader {
        private Path path;
        private FileChannel channel;
        private DataOutputStream out;
        private final Strings strings = new Strings();
        private final RowCodec codec = new RowCodec();
        private boolean ended;

        WritingReader(TraceReader rows) {
            super(rows);
            try {
                path = dir == null
                        ? Files.createTempFile("joblane-trace-", ".rows")
                        : Files.createTempFile(dir, "joblane-trace-", ".rows");
                path.toFile().deleteOnExit();
                channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
                out = new DataOutputStream(new Output(channel));
            } catch (IOException | UnsupportedOperationException e) {
                abandon(true);
            }
        }

        @Override
        public TraceJob next() throws IOException, TraceFormatException {
            TraceJob job;
            try {
                job = delegate.next();
            } catch (IOException | TraceFormatException | RuntimeException e) {
                abandon(false);
                throw e;
            }
            if (out != null) {
                try {
                    if (job != null) {
                        out.writeByte(ROW);
                        codec.write(out, job, strings);
                    } else {
                        finish();
                    }
                } catch (IOException | RuntimeException e) {
                    abandon(true); // the rows still come from the file; only the copy is given up
                }
            }
            return job;
        }

        private void finish() throws IOException {
            out.writeByte(END);
            writeVarLong(out, delegate.badLines());
            String firstBad = delegate.firstBadLine();
            out.writeBoolean(firstBad != null);
            if (firstBad != null) {
                out.writeUTF(firstBad);
            }
            writeVarLong(out, delegate.skippedRows());
            out.flush();
            long size = channel.size();
            if (size > MAX_COPY) {
                abandon(true);
                return;
            }
            ByteBuffer mapped =
                    channel.map(FileChannel.MapMode.READ_ONLY, 0, size).asReadOnlyBuffer();
            channel.close(); // the mapping stays valid
            out = null;
            ended = true;
            try {
                Files.delete(path); // the mapping keeps the data; nothing is left behind whatever ends the JVM
            } catch (IOException e) {
                // a mapped file cannot be removed here (Windows): deleteOnExit takes it
            }
            writingEnded(mapped, false);
        }

        private void abandon(boolean writeFailed) {
            if (ended) {
                return;
            }
            ended = true;
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // the copy is deleted below either way
            }
            out = null;
            if (path != null) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // left for deleteOnExit
                }
            }
            writingEnded(null, writeFailed);
        }

        @Override
        public void close() throws IOException {
            abandon(false); // a read closed before its last row leaves no copy; the next complete one writes it
            super.close();
        }
    }

    /** The rows of a complete copy, with the counts of the read that wrote it. */
    private static final class CopyReader implements TraceReader {
        private final Input in;
        private final Strings strings = new Strings();
        private final RowCodec codec = new RowCodec();
        private long badLines;
        private String firstBadLine;
        private long skippedRows;
        private boolean done;

        CopyReader(ByteBuffer copy) {
            in = new Input(copy.duplicate());
        }

        @Override
        public TraceJob next() throws IOException {
            if (done) {
                return null;
            }
            if (in.readByte() == ROW) {
                return codec.read(in, strings);
            }
            badLines = in.readVarLong();
            firstBadLine = in.readByte() != 0 ? in.readUtf() : null;
            skippedRows = in.readVarLong();
            done = true;
            return null;
        }

        @Override
        public long badLines() {
            return badLines;
        }

        @Override
        public String firstBadLine() {
            return firstBadLine;
        }

        @Override
        public long skippedRows() {
            return skippedRows;
        }

        @Override
        public void close() {
            // the mapping is the source's, shared by every read of the copy
        }
    }

    /** Ahead of the copy's channel, a buffer without the lock {@code BufferedOutputStream} takes for every byte. */
    private static final class Output extends java.io.OutputStream {
        private final FileChannel channel;
        private final byte[] buf = new byte[1 << 16];
        private int count;

        Output(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buf.length) {
                flush();
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void flush() throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap(buf, 0, count);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            count = 0;
        }
    }

    /** This read's view of the copy, decoded byte by byte (a mapped buffer's reads take no lock). */
    private static final class Input {
        private final ByteBuffer buf;

        Input(ByteBuffer buf) {
            this.buf = buf;
        }

        byte readByte() throws IOException {
            try {
                return buf.get();
            } catch (java.nio.BufferUnderflowException e) {
                throw new EOFException("trace copy ends early");
            }
        }

        long readVarLong() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = readByte();
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new EOFException("trace copy: a number longer than 64 bits");
        }

        /** A string as {@link DataOutputStream#writeUTF} wrote it (two bytes of length, then modified UTF-8). */
        String readUtf() throws IOException {
            int length = ((readByte() & 0xFF) << 8) | (readByte() & 0xFF);
            byte[] bytes = new byte[length + 2];
            bytes[0] = (byte) (length >>> 8);
            bytes[1] = (byte) length;
            try {
                buf.get(bytes, 2, length);
            } catch (java.nio.BufferUnderflowException e) {
                throw new EOFException("trace copy ends early");
            }
            return new DataInputStream(new java.io.ByteArrayInputStream(bytes)).readUTF();
        }
    }

    /** A row as differences from the row before (lines and submit times rise), each number a zigzag varint. */
    private static final class RowCodec {
        private long line;
        private long submit;

        void write(DataOutputStream out, TraceJob j, Strings strings) throws IOException {
            writeVarLong(out, zigzag(j.line() - line));
            writeVarLong(out, zigzag(j.submitMillis() - submit));
            line = j.line();
            submit = j.submitMillis();
            writeVarLong(out, zigzag(j.durationMillis()));
            writeVarLong(out, zigzag(j.cpuMillis()));
            writeVarLong(out, zigzag(j.memoryMillis()));
            writeVarLong(out, zigzag(j.gpus()));
            writeVarLong(out, zigzag(j.count()));
            writeVarLong(out, zigzag(j.deadlineMillis()));
            strings.write(out, j.group());
            strings.write(out, j.family());
            strings.write(out, j.zone());
        }

        TraceJob read(Input in, Strings strings) throws IOException {
            line += unzigzag(in.readVarLong());
            submit += unzigzag(in.readVarLong());
            long duration = unzigzag(in.readVarLong());
            long cpu = unzigzag(in.readVarLong());
            long memory = unzigzag(in.readVarLong());
            long gpus = unzigzag(in.readVarLong());
            int count = (int) unzigzag(in.readVarLong());
            long deadline = unzigzag(in.readVarLong());
            String group = strings.read(in);
            String family = strings.read(in);
            String zone = strings.read(in);
            return new TraceJob(line, submit, duration, cpu, memory, gpus, count, group, deadline, family, zone);
        }
    }

    /** Repeated strings written once and then by their place in a table both sides build alike (bounded). */
    private static final class Strings {
        private final Map<String, Integer> places = new HashMap<>();
        private final List<String> table = new ArrayList<>();

        void write(DataOutputStream out, String s) throws IOException {
            if (s == null) {
                writeVarLong(out, NULL_STRING);
                return;
            }
            Integer at = places.get(s);
            if (at != null) {
                writeVarLong(out, FIRST_INDEX + at);
            } else if (places.size() < MAX_TABLE) {
                places.put(s, places.size());
                writeVarLong(out, NEW_STRING);
                out.writeUTF(s);
            } else {
                writeVarLong(out, INLINE_STRING);
                out.writeUTF(s);
            }
        }

        String read(Input in) throws IOException {
            long tag = in.readVarLong();
            if (tag == NULL_STRING) {
                return null;
            }
            if (tag == INLINE_STRING) {
                return in.readUtf();
            }
            if (tag == NEW_STRING) {
                String s = in.readUtf();
                table.add(s);
                return s;
            }
            return table.get((int) (tag - FIRST_INDEX));
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static void writeVarLong(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }
}
