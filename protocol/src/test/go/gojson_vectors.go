// Command gojson_vectors writes protocol/src/test/resources/vectors/gojson.json: what Go's own
// encoding/json and protojson produce for SnapshotSubmission values, and what encoding/json accepts
// or refuses on input. The Java SubmissionCodec is checked against this file (SubmissionCodecGoVectorsTest).
//
// The struct below has the exported fields and json tags that protoc-gen-go generates for the proto
// of SPEC §1 (encoding/json ignores the generated unexported fields). protojson runs on a dynamic
// message built from the same proto definition, so no protoc is needed.
//
// Run (Debian: apt-get install golang-go golang-google-protobuf-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run protocol/src/test/go/gojson_vectors.go
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

type Request struct {
	SlotId      uint64 `protobuf:"varint,1,opt,name=slotId,proto3" json:"slotId,omitempty"`
	Deadline    uint64 `protobuf:"varint,2,opt,name=deadline,proto3" json:"deadline,omitempty"`
	SnapshotCid string `protobuf:"bytes,3,opt,name=snapshotCid,proto3" json:"snapshotCid,omitempty"`
	EpochId     uint64 `protobuf:"varint,4,opt,name=epochId,proto3" json:"epochId,omitempty"`
	ProjectId   string `protobuf:"bytes,5,opt,name=projectId,proto3" json:"projectId,omitempty"`
}

type SnapshotSubmission struct {
	Request     *Request `protobuf:"bytes,1,opt,name=request,proto3" json:"request,omitempty"`
	Signature   string   `protobuf:"bytes,2,opt,name=signature,proto3" json:"signature,omitempty"`
	Header      string   `protobuf:"bytes,3,opt,name=header,proto3" json:"header,omitempty"`
	DataMarket  string   `protobuf:"bytes,4,opt,name=dataMarket,proto3" json:"dataMarket,omitempty"`
	NodeVersion *string  `protobuf:"bytes,5,opt,name=nodeVersion,proto3,oneof" json:"nodeVersion,omitempty"`
}

func field(name string, num int32, typ descriptorpb.FieldDescriptorProto_Type) *descriptorpb.FieldDescriptorProto {
	return &descriptorpb.FieldDescriptorProto{
		Name: proto.String(name), JsonName: proto.String(name), Number: proto.Int32(num),
		Type: typ.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
	}
}

func descriptors() (protoreflect.MessageDescriptor, protoreflect.MessageDescriptor) {
	req := field("request", 1, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE)
	req.TypeName = proto.String(".submission.Request")
	nv := field("nodeVersion", 5, descriptorpb.FieldDescriptorProto_TYPE_STRING)
	nv.Proto3Optional = proto.Bool(true)
	nv.OneofIndex = proto.Int32(0)
	fd := &descriptorpb.FileDescriptorProto{
		Name: proto.String("submission.proto"), Package: proto.String("submission"), Syntax: proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{
			{Name: proto.String("Request"), Field: []*descriptorpb.FieldDescriptorProto{
				field("slotId", 1, descriptorpb.FieldDescriptorProto_TYPE_UINT64),
				field("deadline", 2, descriptorpb.FieldDescriptorProto_TYPE_UINT64),
				field("snapshotCid", 3, descriptorpb.FieldDescriptorProto_TYPE_STRING),
				field("epochId", 4, descriptorpb.FieldDescriptorProto_TYPE_UINT64),
				field("projectId", 5, descriptorpb.FieldDescriptorProto_TYPE_STRING),
			}},
			{Name: proto.String("SnapshotSubmission"), Field: []*descriptorpb.FieldDescriptorProto{
				req,
				field("signature", 2, descriptorpb.FieldDescriptorProto_TYPE_STRING),
				field("header", 3, descriptorpb.FieldDescriptorProto_TYPE_STRING),
				field("dataMarket", 4, descriptorpb.FieldDescriptorProto_TYPE_STRING),
				nv,
			}, OneofDecl: []*descriptorpb.OneofDescriptorProto{{Name: proto.String("_nodeVersion")}}},
		},
	}
	f, err := protodesc.NewFile(fd, nil)
	if err != nil {
		panic(err)
	}
	return f.Messages().ByName("Request"), f.Messages().ByName("SnapshotSubmission")
}

// compact removes the whitespace protojson randomly inserts outside strings.
func compact(b []byte) string {
	out := make([]byte, 0, len(b))
	inStr, esc := false, false
	for _, c := range b {
		if inStr {
			out = append(out, c)
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
			continue
		}
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			continue
		}
		if c == '"' {
			inStr = true
		}
		out = append(out, c)
	}
	return string(out)
}

func toProtoJSON(reqD, subD protoreflect.MessageDescriptor, s SnapshotSubmission) string {
	m := dynamicpb.NewMessage(subD)
	if s.Request != nil {
		r := dynamicpb.NewMessage(reqD)
		set := func(name string, v protoreflect.Value) { r.Set(reqD.Fields().ByName(protoreflect.Name(name)), v) }
		if s.Request.SlotId != 0 {
			set("slotId", protoreflect.ValueOfUint64(s.Request.SlotId))
		}
		if s.Request.Deadline != 0 {
			set("deadline", protoreflect.ValueOfUint64(s.Request.Deadline))
		}
		if s.Request.SnapshotCid != "" {
			set("snapshotCid", protoreflect.ValueOfString(s.Request.SnapshotCid))
		}
		if s.Request.EpochId != 0 {
			set("epochId", protoreflect.ValueOfUint64(s.Request.EpochId))
		}
		if s.Request.ProjectId != "" {
			set("projectId", protoreflect.ValueOfString(s.Request.ProjectId))
		}
		m.Set(subD.Fields().ByName("request"), protoreflect.ValueOfMessage(r))
	}
	set := func(name, v string) {
		if v != "" {
			m.Set(subD.Fields().ByName(protoreflect.Name(name)), protoreflect.ValueOfString(v))
		}
	}
	set("signature", s.Signature)
	set("header", s.Header)
	set("dataMarket", s.DataMarket)
	if s.NodeVersion != nil {
		m.Set(subD.Fields().ByName("nodeVersion"), protoreflect.ValueOfString(*s.NodeVersion))
	}
	b, err := protojson.Marshal(m)
	if err != nil {
		panic(err)
	}
	return compact(b)
}

func describe(s SnapshotSubmission) map[string]any {
	out := map[string]any{"signature": s.Signature, "header": s.Header, "dataMarket": s.DataMarket, "nodeVersion": s.NodeVersion}
	if s.Request != nil {
		out["request"] = map[string]any{
			"slotId": strconv.FormatUint(s.Request.SlotId, 10), "deadline": strconv.FormatUint(s.Request.Deadline, 10),
			"snapshotCid": s.Request.SnapshotCid, "epochId": strconv.FormatUint(s.Request.EpochId, 10),
			"projectId": s.Request.ProjectId,
		}
	}
	return out
}

func str(s string) *string { return &s }

func main() {
	reqD, subD := descriptors()
	const sig = "6bfb2b1e8b9f31983eb6091d79a4b0a4f6eb8d23f399456ed71d764e05396a7453fa6c13ed8f8a4e120a87f507d263b0a23a50318f04e0dc6777e7a3c851a8951b"
	max := ^uint64(0)
	subs := []SnapshotSubmission{
		{Request: &Request{1, 100, "bafkrei", 5, "a<b>&c"}, Signature: sig, Header: "0x01", DataMarket: "0xdm"},
		{Request: &Request{SlotId: 1, Deadline: 100, SnapshotCid: "c", ProjectId: "p"}, Signature: sig, Header: "0x01", DataMarket: "0xdm", NodeVersion: str("v1.2.3")},
		{Request: &Request{}, Signature: sig, DataMarket: "0xdm", NodeVersion: str("")},
		{Request: &Request{max, max, "c", max, "p"}, Signature: sig, Header: "h", DataMarket: "d"},
		{Request: &Request{9999, 1 << 63, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", 4294967296,
			"aggregate_pairContract_24h_trade_volume:0x8ef79d6c328035d7e9d5b1f4d4c4de4a6e1e4ead:UNISWAPV2"},
			Signature: "0x" + sig, Header: "0x9ab2a3f25bc7a1ebca01d5b4006a8140b9d638bf458358da7a0619a2172d75c6",
			DataMarket: "0x21cb57c1f2352ad215a463dd867b838749cd3b8f", NodeVersion: str("v2.5.0")},
		{Request: &Request{7, 8, "q\"\\/\x01\b\f\n\r\t\x1f\x7f", 9, "\u2028\u2029é日🚀<>&'"}, Signature: sig, Header: "\x00", DataMarket: "dm"},
		{Request: &Request{1, 2, "c", 3, "p"}, Signature: "s", Header: "h", DataMarket: "d", NodeVersion: str("<script>&amp;</script>")},
	}
	var encode []map[string]any
	for _, s := range subs {
		gj, err := json.Marshal(s)
		if err != nil {
			panic(err)
		}
		encode = append(encode, map[string]any{"submission": describe(s), "goJson": string(gj), "protoJson": toProtoJSON(reqD, subD, s)})
	}

	type in struct{ json, note string }
	inputs := []in{
		{`{"request":{"slotId":1,"deadline":2,"snapshotCid":"c","epochId":3,"projectId":"p"},"signature":"s","header":"h","dataMarket":"d"}`, ""},
		{`{"dataMarket":"d","header":"h","signature":"s","request":{"projectId":"p","epochId":3,"snapshotCid":"c","deadline":2,"slotId":1}}`, "key order"},
		{`{"REQUEST":{"SlotID":1,"EPOCHID":3},"Signature":"s","datamarket":"d"}`, "case-insensitive keys"},
		{`{"request":{"slotId":1,"extra":[1,{"x":null}]},"signature":"s","dataMarket":"d","unknown":{"a":1}}`, "unknown keys"},
		{`{"request":{"slotId":null,"snapshotCid":null},"signature":"s","dataMarket":"d","header":null,"nodeVersion":null}`, "nulls"},
		{` {"request":{},"signature":"s","dataMarket":"d","nodeVersion":""} ` + "\n", "whitespace, empty nodeVersion"},
		{`{"request":{"slotId":18446744073709551615},"signature":"s","dataMarket":"d"}`, "uint64 max"},
		{`{"request":{"projectId":"\u003c\u0026\ud83d\ude80\/"},"signature":"s","dataMarket":"d"}`, "escapes"},
		{`{"request":{"slotId":18446744073709551616},"signature":"s","dataMarket":"d"}`, "overflow"},
		{`{"request":{"slotId":-1},"signature":"s","dataMarket":"d"}`, "negative"},
		{`{"request":{"slotId":-0},"signature":"s","dataMarket":"d"}`, "negative zero"},
		{`{"request":{"slotId":1.0},"signature":"s","dataMarket":"d"}`, "fraction"},
		{`{"request":{"slotId":1e3},"signature":"s","dataMarket":"d"}`, "exponent"},
		{`{"request":{"slotId":true},"signature":"s","dataMarket":"d"}`, "bool"},
		{`{"request":{"snapshotCid":5},"signature":"s","dataMarket":"d"}`, "number for string"},
		{`{"request":[],"signature":"s","dataMarket":"d"}`, "array for object"},
		{`[{"request":{}}]`, "array document"},
		{`"x"`, "string document"},
		{`{"request":{},"signature":"s","dataMarket":"d"} x`, "trailing garbage"},
		{`{"request":{},"signature":"s","dataMarket":"d"}{}`, "two values"},
		{`{"request":{"slotId":1`, "truncated"},
		{`{"request":{"slotId":01},"signature":"s","dataMarket":"d"}`, "leading zero"},
		{`{"request":{"slotId":"12"},"signature":"s","dataMarket":"d"}`, "TOLERANT: uint64 as a string (protojson form)"},
		{`{"request":{"slotId":1,"slotId":2},"signature":"s","dataMarket":"d"}`, "STRICTER: duplicate key"},
		{`{"request":{},"signature":"s","signature":"t","dataMarket":"d"}`, "STRICTER: duplicate key"},
	}
	var decode []map[string]any
	for _, c := range inputs {
		var s SnapshotSubmission
		err := json.Unmarshal([]byte(c.json), &s)
		entry := map[string]any{"json": c.json, "note": c.note, "goAccepts": err == nil}
		if err == nil {
			entry["value"] = describe(s)
		} else {
			entry["goError"] = err.Error()
		}
		decode = append(decode, entry)
	}

	doc := map[string]any{
		"generator": "protocol/src/test/go/gojson_vectors.go",
		"goVersion": runtime.Version(),
		"encode":    encode,
		"decode":    decode,
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	out := filepath.Join("protocol", "src", "test", "resources", "vectors", "gojson.json")
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		panic(err)
	}
	fmt.Printf("wrote %d encode and %d decode cases with %s\n", len(encode), len(decode), runtime.Version())
}
