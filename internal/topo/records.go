package topo

import (
	"cmp"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Cell is a cell's record in the global topology: where its programs register.
type Cell struct {
	Name string
	// ServerAddresses are the host:port client endpoints of the cell's etcd.
	ServerAddresses []string
	// Root is the cell's path in that etcd.
	Root string
}

// Database is a database's record in the global topology.
type Database struct {
	Name       string
	Backup     BackupLocation
	Cells      []string
	Durability DurabilityPolicy
}

// BackupLocation is where the database's shards keep their backups: a filesystem path every
// pooler mounts, or an S3 bucket.
type BackupLocation struct {
	Path string
	S3   *S3Location
	// RequireEncryption makes a pooler refuse to create an unencrypted repository.
	RequireEncryption bool
}

// S3Location is a bucket, as upstream's S3Backup message has it.
type S3Location struct {
	Bucket, Region, Endpoint, KeyPrefix string
	// EnvCredentials: the poolers take an access key from their AWS_* environment variables;
	// otherwise their own identity (web identity or instance role).
	EnvCredentials bool
}

// DurabilityPolicy says how many poolers acknowledge a write before it commits.
type DurabilityPolicy struct {
	Name          string
	QuorumType    int32
	RequiredCount int32
	Description   string
}

// Quorum types of a DurabilityPolicy.
const (
	QuorumAtLeastN          int32 = 3
	QuorumMultiCellAtLeastN int32 = 4
)

// Durability is the record of one of the durability policies upstream accepts (AT_LEAST_2,
// MULTI_CELL_AT_LEAST_2), by the name the API uses.
func Durability(policy string) (DurabilityPolicy, error) {
	switch policy {
	case "AT_LEAST_2":
		return DurabilityPolicy{policy, QuorumAtLeastN, 2, "At least 2 nodes must acknowledge"}, nil
	case "MULTI_CELL_AT_LEAST_2":
		return DurabilityPolicy{policy, QuorumMultiCellAtLeastN, 2, "At least 2 nodes from different cells must acknowledge"}, nil
	}
	return DurabilityPolicy{}, fmt.Errorf("durability policy %q is not one Multigres accepts (AT_LEAST_2, MULTI_CELL_AT_LEAST_2)", policy)
}

// Pooler is a multipooler's record in its cell's topology.
type Pooler struct {
	ID       ID
	Shard    ShardKey
	Hostname string
	// Serving is false while the pooler does not serve queries (starting, draining).
	Serving bool
	// Lifecycle is where the pooler is between starting and shut down.
	Lifecycle Lifecycle
	// Role is the role the pooler publishes for routing; Rule orders primaries: the one with
	// the highest rule is the current one.
	Role Role
	Rule Rule
}

// ID names a Multigres program in its cell.
type ID struct {
	Cell string
	Name string
}

// ShardKey names a shard.
type ShardKey struct {
	Database   string
	TableGroup string
	Shard      string
}

// Lifecycle is a pooler's lifecycle status.
type Lifecycle int32

// Lifecycle statuses.
const (
	LifecycleUnknown Lifecycle = iota
	LifecycleStarting
	LifecycleActive
	LifecycleStopping
	LifecycleShutdown
	LifecycleQuarantined
)

// Role is a pooler's routing role.
type Role int32

// Routing roles.
const (
	RoleUnknown Role = iota
	RolePrimary
	RoleReplica
)

func (r Role) String() string {
	switch r {
	case RolePrimary:
		return "primary"
	case RoleReplica:
		return "replica"
	}
	return "unknown"
}

// Rule is the consensus rule (term, then subterm) under which a primary leads.
type Rule struct {
	Term, Subterm int64
}

// Compare orders rules: term first, then subterm.
func (r Rule) Compare(o Rule) int {
	return cmp.Or(cmp.Compare(r.Term, o.Term), cmp.Compare(r.Subterm, o.Subterm))
}

// Field numbers of upstream's clustermetadata messages.
const (
	cellName, cellServerAddresses, cellRoot = 1, 2, 3

	databaseName, databaseBackupLocation, databaseCells, databaseDurability = 1, 2, 3, 4
	backupLocationFilesystem, backupLocationS3, backupLocationEncryption    = 1, 2, 3
	filesystemPath                                                          = 1
	s3Bucket, s3Region, s3Endpoint, s3KeyPrefix, s3EnvCredentials           = 1, 2, 3, 4, 5
	durabilityName, durabilityQuorumType, durabilityRequiredCount           = 1, 3, 4
	durabilityDescription                                                   = 5

	poolerID, poolerShardKey, poolerServingStatus, poolerHostname = 1, 2, 7, 8
	poolerLifecycle, poolerRoutingState                           = 12, 13
	idComponent, idCell, idName                                   = 1, 2, 3
	shardKeyDatabase, shardKeyTableGroup, shardKeyShard           = 1, 2, 3
	lifecycleStatus                                               = 1
	routingRole, routingRule                                      = 1, 2
	ruleTerm, ruleSubterm                                         = 1, 2
)

// Serving statuses: SERVING is proto3's zero value, so an absent field means serving.
const (
	servingStatusServing  = 0
	servingStatusDisabled = 1
)

// componentMultiPooler is an ID's component for a multipooler.
const componentMultiPooler = 1

// Marshal encodes c as upstream's Cell message.
func (c Cell) Marshal() []byte {
	b := appendString(nil, cellName, c.Name)
	for _, a := range c.ServerAddresses {
		b = appendString(b, cellServerAddresses, a)
	}
	return appendString(b, cellRoot, c.Root)
}

// UnmarshalCell decodes upstream's Cell message.
func UnmarshalCell(b []byte) (Cell, error) {
	var c Cell
	err := walk(b, func(num protowire.Number, v value) error {
		switch num {
		case cellName:
			c.Name = v.string()
		case cellServerAddresses:
			c.ServerAddresses = append(c.ServerAddresses, v.string())
		case cellRoot:
			c.Root = v.string()
		}
		return nil
	})
	return c, err
}

// Marshal encodes d as upstream's Database message.
func (d Database) Marshal() []byte {
	b := appendString(nil, databaseName, d.Name)
	if loc := d.Backup.marshal(); loc != nil {
		b = appendMessage(b, databaseBackupLocation, loc)
	}
	for _, c := range d.Cells {
		b = appendString(b, databaseCells, c)
	}
	p := d.Durability
	policy := appendString(nil, durabilityName, p.Name)
	policy = appendVarint(policy, durabilityQuorumType, int64(p.QuorumType))
	policy = appendVarint(policy, durabilityRequiredCount, int64(p.RequiredCount))
	policy = appendString(policy, durabilityDescription, p.Description)
	return appendMessage(b, databaseDurability, policy)
}

// UnmarshalDatabase decodes upstream's Database message.
func UnmarshalDatabase(b []byte) (Database, error) {
	var d Database
	err := walk(b, func(num protowire.Number, v value) error {
		switch num {
		case databaseName:
			d.Name = v.string()
		case databaseCells:
			d.Cells = append(d.Cells, v.string())
		case databaseBackupLocation:
			return v.message(d.Backup.unmarshalField)
		case databaseDurability:
			return v.message(func(num protowire.Number, v value) error {
				switch num {
				case durabilityName:
					d.Durability.Name = v.string()
				case durabilityQuorumType:
					d.Durability.QuorumType = int32(v.varint)
				case durabilityRequiredCount:
					d.Durability.RequiredCount = int32(v.varint)
				case durabilityDescription:
					d.Durability.Description = v.string()
				}
				return nil
			})
		}
		return nil
	})
	return d, err
}

// marshal encodes l as upstream's BackupLocation message; nil when l is empty.
func (l BackupLocation) marshal() []byte {
	var b []byte
	switch {
	case l.S3 != nil:
		s3 := appendString(nil, s3Bucket, l.S3.Bucket)
		s3 = appendString(s3, s3Region, l.S3.Region)
		s3 = appendString(s3, s3Endpoint, l.S3.Endpoint)
		s3 = appendString(s3, s3KeyPrefix, l.S3.KeyPrefix)
		if l.S3.EnvCredentials {
			s3 = appendVarint(s3, s3EnvCredentials, 1)
		}
		b = appendMessage(b, backupLocationS3, s3)
	case l.Path != "":
		b = appendMessage(b, backupLocationFilesystem, appendString(nil, filesystemPath, l.Path))
	}
	if l.RequireEncryption {
		b = appendVarint(b, backupLocationEncryption, 1)
	}
	return b
}

// unmarshalField decodes one field of upstream's BackupLocation message into l.
func (l *BackupLocation) unmarshalField(num protowire.Number, v value) error {
	switch num {
	case backupLocationFilesystem:
		return v.message(func(num protowire.Number, v value) error {
			if num == filesystemPath {
				l.Path = v.string()
			}
			return nil
		})
	case backupLocationS3:
		l.S3 = &S3Location{}
		return v.message(func(num protowire.Number, v value) error {
			switch num {
			case s3Bucket:
				l.S3.Bucket = v.string()
			case s3Region:
				l.S3.Region = v.string()
			case s3Endpoint:
				l.S3.Endpoint = v.string()
			case s3KeyPrefix:
				l.S3.KeyPrefix = v.string()
			case s3EnvCredentials:
				l.S3.EnvCredentials = v.varint != 0
			}
			return nil
		})
	case backupLocationEncryption:
		l.RequireEncryption = v.varint != 0
	}
	return nil
}

// Marshal encodes p as upstream's Multipooler message, as a pooler writes it (the operator
// never does: tests stand in for poolers with it).
func (p Pooler) Marshal() []byte {
	id := appendVarint(nil, idComponent, componentMultiPooler)
	id = appendString(id, idCell, p.ID.Cell)
	id = appendString(id, idName, p.ID.Name)
	b := appendMessage(nil, poolerID, id)
	shard := appendString(nil, shardKeyDatabase, p.Shard.Database)
	shard = appendString(shard, shardKeyTableGroup, p.Shard.TableGroup)
	shard = appendString(shard, shardKeyShard, p.Shard.Shard)
	b = appendMessage(b, poolerShardKey, shard)
	if !p.Serving {
		b = appendVarint(b, poolerServingStatus, servingStatusDisabled)
	}
	b = appendString(b, poolerHostname, p.Hostname)
	if p.Lifecycle != LifecycleUnknown {
		b = appendMessage(b, poolerLifecycle, appendVarint(nil, lifecycleStatus, int64(p.Lifecycle)))
	}
	if p.Role != RoleUnknown {
		rule := appendVarint(appendVarint(nil, ruleTerm, p.Rule.Term), ruleSubterm, p.Rule.Subterm)
		b = appendMessage(b, poolerRoutingState, appendMessage(appendVarint(nil, routingRole, int64(p.Role)), routingRule, rule))
	}
	return b
}

// UnmarshalPooler decodes upstream's Multipooler message.
func UnmarshalPooler(b []byte) (Pooler, error) {
	p := Pooler{Serving: true}
	err := walk(b, func(num protowire.Number, v value) error {
		switch num {
		case poolerID:
			return v.message(func(num protowire.Number, v value) error {
				switch num {
				case idCell:
					p.ID.Cell = v.string()
				case idName:
					p.ID.Name = v.string()
				}
				return nil
			})
		case poolerShardKey:
			return v.message(func(num protowire.Number, v value) error {
				switch num {
				case shardKeyDatabase:
					p.Shard.Database = v.string()
				case shardKeyTableGroup:
					p.Shard.TableGroup = v.string()
				case shardKeyShard:
					p.Shard.Shard = v.string()
				}
				return nil
			})
		case poolerServingStatus:
			p.Serving = v.varint == servingStatusServing
		case poolerHostname:
			p.Hostname = v.string()
		case poolerLifecycle:
			return v.message(func(num protowire.Number, v value) error {
				if num == lifecycleStatus {
					p.Lifecycle = Lifecycle(v.varint)
				}
				return nil
			})
		case poolerRoutingState:
			return v.message(func(num protowire.Number, v value) error {
				switch num {
				case routingRole:
					p.Role = Role(v.varint)
				case routingRule:
					return v.message(func(num protowire.Number, v value) error {
						switch num {
						case ruleTerm:
							p.Rule.Term = int64(v.varint)
						case ruleSubterm:
							p.Rule.Subterm = int64(v.varint)
						}
						return nil
					})
				}
				return nil
			})
		}
		return nil
	})
	return p, err
}

// value is one field's value: varint for varint fields, bytes for length-delimited ones.
type value struct {
	varint uint64
	bytes  []byte
}

func (v value) string() string { return string(v.bytes) }

func (v value) message(f func(protowire.Number, value) error) error { return walk(v.bytes, f) }

// walk calls f for each field of the encoded message b, in order, skipping fixed-width and
// group fields (none of the fields read here is one).
func walk(b []byte, f func(protowire.Number, value) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var v value
		switch typ {
		case protowire.VarintType:
			v.varint, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			v.bytes, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n >= 0 {
				b = b[n:]
				continue
			}
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := f(num, v); err != nil {
			return err
		}
	}
	return nil
}

// appendString appends a string field, omitted when empty as proto3 does.
func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMessage(b []byte, num protowire.Number, m []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, m)
}

// appendVarint appends a varint field, omitted when zero as proto3 does.
func appendVarint(b []byte, num protowire.Number, v int64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}
