/** SMPP 3.4 command_status values this project handles by name. */
export const CommandStatus = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RINVBNDSTS: 0x04,
  ESME_RALYBND: 0x05,
  ESME_RINVPRTFLG: 0x06,
  ESME_RINVREGDLVFLG: 0x07,
  ESME_RSYSERR: 0x08,
  ESME_RINVSRCADR: 0x0a,
  ESME_RINVDSTADR: 0x0b,
  ESME_RINVMSGID: 0x0c,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVSERTYP: 0x15,
  ESME_RINVESMCLASS: 0x43,
  ESME_RSUBMITFAIL: 0x45,
  ESME_RINVSRCTON: 0x48,
  ESME_RINVSRCNPI: 0x49,
  ESME_RINVDSTTON: 0x50,
  ESME_RINVDSTNPI: 0x51,
  ESME_RINVSYSTYP: 0x53,
  ESME_RTHROTTLED: 0x58,
  ESME_RINVSCHED: 0x61,
  ESME_RINVEXPIRY: 0x62,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RX_R_APPN: 0x66,
  ESME_RINVTLVSTREAM: 0xc0,
  ESME_RINVTLVVAL: 0xc4,
  ESME_RINVDCS: 0x104,
  ESME_RUNKNOWNERR: 0xff,
} as const;

export type CommandStatusName = keyof typeof CommandStatus;

const namesByCode = new Map<number, CommandStatusName>(
  Object.entries(CommandStatus).map(([name, code]) => [code, name as CommandStatusName]),
);

/** The status's SMPP name, or `0x...` for a code outside the table. */
export function commandStatusName(code: number): string {
  return namesByCode.get(code) ?? `0x${code.toString(16).padStart(8, '0')}`;
}

const temporary = new Set<number>([
  CommandStatus.ESME_RTHROTTLED,
  CommandStatus.ESME_RMSGQFUL,
  CommandStatus.ESME_RSYSERR,
]);

/** Statuses worth retrying later (throttled, queue full, system error); all others are permanent. */
export function isTemporaryStatus(code: number): boolean {
  return temporary.has(code);
}

/** Bind refusals that no retry will fix until someone changes the credentials. */
export function isCredentialStatus(code: number): boolean {
  return code === CommandStatus.ESME_RINVPASWD || code === CommandStatus.ESME_RINVSYSID;
}
