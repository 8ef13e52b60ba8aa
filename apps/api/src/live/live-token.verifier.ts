import { Injectable } from '@nestjs/common';
import { ChaosAccess } from '@rrl/chaos/nest';
import { AppError, ERROR_CODES, errorMessage } from '@rrl/contracts';
import { LIVE_PROTOCOL } from './live-auth';

export interface LiveProblem {
  code: string;
  message: string;
}

/** The chaos token as the feed checks it (at connect and in `subscribe`), with the answers a client gets. */
@Injectable()
export class LiveTokenVerifier {
  constructor(private readonly access: ChaosAccess) {}

  /** null when the token is good; else the error to send. */
  problemWith(token: string): LiveProblem | null {
    try {
      this.access.check(`Bearer ${token}`);
      return null;
    } catch (e) {
      return e instanceof AppError ? { code: e.code, message: e.message } : { code: ERROR_CODES.UNAUTHORIZED, message: errorMessage(e) };
    }
  }

  /** What a client without the token is told when it asks for logs. */
  missingTokenProblem(): LiveProblem {
    return this.access.enabled
      ? { code: ERROR_CODES.UNAUTHORIZED, message: `log feeds need the chaos token: ${LIVE_TOKEN_HINT}` }
      : { code: ERROR_CODES.CHAOS_DISABLED, message: 'log feeds are disabled: set CHAOS_TOKEN (config chaos.token)' };
  }
}

const LIVE_TOKEN_HINT = `send it in the subscribe message ({"type":"subscribe","data":{"logs":[...],"token":"..."}}), as ?token=..., or offer the subprotocols "${LIVE_PROTOCOL}" and "bearer.<token>"`;
