package v1beta1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Condition getters and setters let Cluster API's util/conditions work on every kind.

func (c *MultigresCluster) GetConditions() []metav1.Condition     { return c.Status.Conditions }
func (c *MultigresCluster) SetConditions(cs []metav1.Condition)   { c.Status.Conditions = cs }
func (t *DeploymentTemplate) GetConditions() []metav1.Condition   { return t.Status.Conditions }
func (t *DeploymentTemplate) SetConditions(cs []metav1.Condition) { t.Status.Conditions = cs }
func (t *TopoServer) GetConditions() []metav1.Condition           { return t.Status.Conditions }
func (t *TopoServer) SetConditions(cs []metav1.Condition)         { t.Status.Conditions = cs }
func (c *Cell) GetConditions() []metav1.Condition                 { return c.Status.Conditions }
func (c *Cell) SetConditions(cs []metav1.Condition)               { c.Status.Conditions = cs }
func (t *TableGroup) GetConditions() []metav1.Condition           { return t.Status.Conditions }
func (t *TableGroup) SetConditions(cs []metav1.Condition)         { t.Status.Conditions = cs }
func (s *Shard) GetConditions() []metav1.Condition                { return s.Status.Conditions }
func (s *Shard) SetConditions(cs []metav1.Condition)              { s.Status.Conditions = cs }
func (b *MultigresBackup) GetConditions() []metav1.Condition      { return b.Status.Conditions }
func (b *MultigresBackup) SetConditions(cs []metav1.Condition)    { b.Status.Conditions = cs }
