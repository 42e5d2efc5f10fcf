/** A terminal's two streams, in memory, as ink uses them: for runTui tests and the TUI benchmark. */
import { EventEmitter } from 'node:events';

export class FakeStdout extends EventEmitter {
  isTTY = true;
  /** Everything written, when kept (a benchmark's flood would only grow it). */
  output = '';
  onWrite: ((chunk: string) => void) | undefined;

  constructor(
    public columns = 100,
    public rows = 30,
    private readonly keepOutput = true,
  ) {
    super();
  }

  write = (chunk: string) => {
    if (this.keepOutput) this.output += chunk;
    this.onWrite?.(chunk);
    return true;
  };
}

/** Key presses arrive through write(); ink reads them on 'readable'. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit('readable');
  }
  read = () => {
    const data = this.data;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}
