// marshall's output is what the AWS SDK for JavaScript v3 takes, and what the
// SDK returns is what unmarshall takes, as both are typed: this file must
// compile with `strict` against @aws-sdk/client-dynamodb's typings.
import type {
  AttributeValue as SdkAttributeValue,
  GetItemCommandOutput,
  PutItemCommandInput,
} from '@aws-sdk/client-dynamodb'
import { AttributeValue, NativeValue, marshall, marshallValue, unmarshall, unmarshallValue } from 'stepforge'

const put: PutItemCommandInput = {
  TableName: 'Orders',
  Item: marshall({ id: 'o1', total: 10n ** 30n, bytes: new Uint8Array(2), tags: new Set(['a']) }),
}
const value: SdkAttributeValue = marshallValue([1, 'two', { three: null }])
const ours: AttributeValue = { BS: [new Uint8Array(1)] }
const theirs: SdkAttributeValue = ours

declare const output: GetItemCommandOutput
const item: Record<string, NativeValue> | undefined = output.Item && unmarshall(output.Item)
const one: NativeValue = unmarshallValue(value)

export { item, one, put, theirs }
