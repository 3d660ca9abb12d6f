/**
 * Numbers a DynamoDB item can hold (Developer Guide, "Supported data types": 1E-130 to
 * 9.9999999999999999999999999999999999999E+125 in magnitude, or zero). A JSON body can carry
 * 1e300 or, through 1e400, Infinity; such a value is bad input (400), not a failed write (500).
 */
import { z } from 'zod';

// 9.99...E+125 (38 nines) rounds to 1e126 as a double, so the bound is "below 1e126".
const ABOVE_LARGEST = 1e126;
const SMALLEST = 1e-130;

export const DynamoDbNumber = z
  .number()
  .refine((x) => x === 0 || (Math.abs(x) < ABOVE_LARGEST && Math.abs(x) >= SMALLEST), {
    error: 'must be 0 or between 1E-130 and 9.99E+125 in magnitude (what DynamoDB stores)',
  });
