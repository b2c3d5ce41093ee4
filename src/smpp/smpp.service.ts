import { Injectable } from '@nestjs/common';
import { BindManager } from './binds/bind-manager.js';
import type { AccountBindStatus } from './binds/bind-status.js';

/** The facade applications inject. */
@Injectable()
export class SmppService {
  constructor(private readonly binds: BindManager) {}

  /** Bind status per account (no network I/O; never the password). */
  bindStatus(): AccountBindStatus[] {
    return this.binds.status();
  }
}
